package nestedcallbacks_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/nestedcallbacks"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNestedCallbacks(t *testing.T) {
	env.Test(t, nestedcallbacks.Scenario, env.Config{})
}

func TestNestedCallbacksBroken(t *testing.T) {
	env.TestBroken(t, nestedcallbacks.Scenario)
}

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: readactive is right only while the root's scope happens to
// be on the shared stack; finishonclose fails under every schedule.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, nestedcallbacks.Scenario, map[string]bool{"readactive": false, "finishonclose": true})
}
