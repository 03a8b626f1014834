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
