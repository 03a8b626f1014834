//go:build !unix

package sim

import "time"

// processCPU is not known here: the watchdog counts wall time.
func processCPU() (time.Duration, bool) { return 0, false }
