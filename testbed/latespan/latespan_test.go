package latespan_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/latespan"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLateSpan(t *testing.T) {
	env.Test(t, latespan.Scenario, env.Config{})
}

func TestLateSpanBroken(t *testing.T) {
	env.TestBroken(t, latespan.Scenario)
}

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: earlydone and leaky fail under some schedules and pass
// under others; finishonclose fails under every one.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, latespan.Scenario, map[string]bool{"finishonclose": true, "earlydone": false, "leaky": false})
}
