package statelesshandler_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/statelesshandler"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStatelessHandler(t *testing.T) {
	env.Test(t, statelesshandler.Scenario, env.Config{})
}

func TestStatelessHandlerBroken(t *testing.T) {
	env.TestBroken(t, statelesshandler.Scenario)
}

// TestBrokenVariantsOdds pins down that neither broken variant depends on
// the interleaving: in one shared context the hooks would unwind the
// shared stack only if the after hooks ran in the reverse order of the
// before hooks, and the waits make them run in the same order; noclose is
// a plain mistake.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, statelesshandler.Scenario, map[string]bool{"sharedcontext": true, "noclose": true})
}
