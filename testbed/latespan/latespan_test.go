package latespan_test

import (
	"testing"

	"github.com/stretchr/testify/require"
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
	tests := []struct {
		broken   string
		everyRun bool
	}{
		{"finishonclose", true},
		{"earlydone", false},
		{"leaky", false},
	}
	for _, tt := range tests {
		t.Run(tt.broken, func(t *testing.T) {
			b, err := latespan.Scenario.BrokenByName(tt.broken)
			require.NoError(t, err)
			v, p := latespan.Scenario.Variant(b)
			for _, st := range env.Strategies() {
				stats, err := env.Explore(v, p, env.Exploration{Strategy: st, Seeds: 200})
				require.NoError(t, err)
				t.Logf("%s: %d of %d runs failed, %d distinct schedules", st, stats.Failures, stats.Runs, stats.Distinct)
				require.Positive(t, stats.Failures, "%s found no failure", st)
				if tt.everyRun {
					require.Equal(t, stats.Runs, stats.Failures, "%s: some runs passed", st)
				} else {
					require.Less(t, stats.Failures, stats.Runs, "%s: every run failed, the bug should depend on the schedule", st)
				}
			}
		})
	}
}
