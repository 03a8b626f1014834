package scopetest_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope/scopetest"
)

// racyEnv, when set, makes TestRacyManagerHelper run the harness on a
// manager whose table has no lock. It is set only in the subprocess of
// TestRun_RaceDetectorCatchesUnsyncedManager: the data race is the point,
// and the race detector ends the process at the first one.
const racyEnv = "SCOPETEST_RACY_HELPER"

func TestRacyManagerHelper(t *testing.T) {
	if os.Getenv(racyEnv) != "1" {
		t.Skip("a helper: runs only in the subprocess of TestRun_RaceDetectorCatchesUnsyncedManager")
	}
	scopetest.Run(t, func(scopetest.Env) opentracing.ScopeManager { return newBroken(unsynced) },
		scopetest.SkipExamples(), scopetest.Checks(1))
}

// TestRun_RaceDetectorCatchesUnsyncedManager: under -race the harness
// catches a manager whose map has no lock. The crowd's tasks run each
// phase at once, with no happens-before edge between them; a harness that
// drives goroutines one at a time over channels orders every step before
// the next, and the race detector sees nothing. The test binary (built
// with -race) runs itself on the helper above; without the race detector
// there is nothing to show.
func TestRun_RaceDetectorCatchesUnsyncedManager(t *testing.T) {
	if !raceEnabled {
		t.Skip("needs the race detector: go test -race")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRacyManagerHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), racyEnv+"=1", "GORACE=halt_on_error=1 exitcode=66")
	cmd.Dir = t.TempDir() // rapid writes its fail file under ./testdata
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the helper passed under -race:\n%s", out)
	assert.Equal(t, 66, exit.ExitCode(), "not the race detector's exit code:\n%s", out)
	assert.Contains(t, string(out), "WARNING: DATA RACE")
	assert.Contains(t, string(out), "brokenManager", "the race is not in the broken manager:\n%s", out)
}
