package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracebed/tracebed/sim"
)

// A scheduling decision allocates nothing, under every built-in strategy:
// the allocations of a run do not grow with its number of decisions (the
// strategy call's recover used to make one per decision, and the schedule
// regrew in every run).
func TestAllocs_PerDecision(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	run := func(st func() sim.Strategy, yields int) float64 {
		return testing.AllocsPerRun(20, func() {
			_, err := sim.Run(func(s *sim.Sim) {
				s.Go("other", func() {
					for range yields {
						s.Yield()
					}
				})
				for range yields {
					s.Yield()
				}
			}, sim.WithStrategy(st()), sim.WithoutTrace())
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	strategies := map[string]func() sim.Strategy{
		"random":    func() sim.Strategy { return sim.Random(1) },
		"pct":       func() sim.Strategy { return sim.PCTWithSteps(1, 3, 5000) },
		"alternate": func() sim.Strategy { return alternate{} },
	}
	for name, st := range strategies {
		small, big := run(st, 100), run(st, 1100)
		// 2,000 more decisions; a few allocations of slack for a pooled
		// buffer dropped by a GC.
		assert.Less(t, (big-small)/2000, 0.01, "%s: %.0f allocations for 200 yields, %.0f for 2,200", name, small, big)
	}
}
