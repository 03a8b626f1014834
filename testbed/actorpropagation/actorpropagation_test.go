package actorpropagation_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/actorpropagation"
	"github.com/tracebed/tracebed/testbed/env"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestActorPropagation(t *testing.T) {
	env.Test(t, actorpropagation.Scenario, env.Config{})
}

func TestActorPropagationBroken(t *testing.T) {
	env.TestBroken(t, actorpropagation.Scenario)
}

// TestBrokenVariantsOdds pins down that lazycapture is a plain mistake,
// not an interleaving bug.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, actorpropagation.Scenario, map[string]bool{"lazycapture": true})
}
