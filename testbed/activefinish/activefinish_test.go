package activefinish_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/activefinish"
	"github.com/tracebed/tracebed/testbed/env"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestActiveFinish is Java's test_two_scheduled_actions.
func TestActiveFinish(t *testing.T) {
	env.Test(t, activefinish.Scenario, env.Config{})
}

// TestActiveFinishOneAction is Java's test_one_scheduled_action.
func TestActiveFinishOneAction(t *testing.T) {
	env.Test(t, activefinish.New(1), env.Config{})
}

func TestActiveFinishBroken(t *testing.T) {
	env.TestBroken(t, activefinish.Scenario)
}

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: the two reference-count races fail only when the actions'
// releases interleave; creatorfinishes fails under every schedule.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, activefinish.Scenario, map[string]bool{"nolock": false, "readafterunlock": false, "creatorfinishes": true})
}
