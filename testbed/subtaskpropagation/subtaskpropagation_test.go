package subtaskpropagation_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/subtaskpropagation"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSubtaskPropagation(t *testing.T) {
	env.Test(t, subtaskpropagation.Scenario, env.Config{})
}

func TestSubtaskPropagationBroken(t *testing.T) {
	env.TestBroken(t, subtaskpropagation.Scenario)
}

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: nowait fails only when the subtask runs after the parent
// finished its span; finishonreactivate on every schedule.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, subtaskpropagation.Scenario, map[string]bool{"nowait": false, "finishonreactivate": true})
}
