package errorreporting_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/errorreporting"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestErrorReporting(t *testing.T) {
	env.Test(t, errorreporting.Scenario, env.Config{})
}

func TestErrorReportingBroken(t *testing.T) {
	env.TestBroken(t, errorreporting.Scenario)
}

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: neither does. earlydefer is a plain mistake; under the
// leaky manager the callback's scope is on the shared stack for the whole
// of its work, while the root starts its spans, on every schedule.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, errorreporting.Scenario, map[string]bool{"earlydefer": true, "leaky": true})
}
