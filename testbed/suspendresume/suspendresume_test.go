package suspendresume_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/suspendresume"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSuspendResume(t *testing.T) {
	env.Test(t, suspendresume.Scenario, env.Config{})
}

func TestSuspendResumeBroken(t *testing.T) {
	env.TestBroken(t, suspendresume.Scenario)
}

// TestBrokenVariantsOdds pins down that lazyclose is an interleaving bug:
// it is right when each job's parts come together, before the other
// starts.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, suspendresume.Scenario, map[string]bool{"lazyclose": false})
}
