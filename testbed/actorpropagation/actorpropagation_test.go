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

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: lazycapture is a plain mistake; under the leaky manager
// the spans mix only when a worker's activation overlaps the caller's.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, actorpropagation.Scenario, map[string]bool{"lazycapture": true, "leaky": false})
}
