package activereplace_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/activereplace"
	"github.com/tracebed/tracebed/testbed/env"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestActiveReplace(t *testing.T) {
	env.Test(t, activereplace.Scenario, env.Config{})
}

func TestActiveReplaceBroken(t *testing.T) {
	env.TestBroken(t, activereplace.Scenario)
}

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: closelate is a plain mistake, leaky fails only when the
// task starts while the root still has initial active.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, activereplace.Scenario, map[string]bool{"closelate": true, "leaky": false})
}
