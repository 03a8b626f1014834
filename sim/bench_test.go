package sim_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tracebed/tracebed/sim"
)

// BenchmarkRunsToFailure reports, per planted bug and strategy, the mean
// number of runs until the first failure over several independent seed
// streams (runs/fail), next to the PCT bound n·k^(d-1) on the expected
// number of runs (bound). Run with: go test -run '^$' -bench RunsToFailure ./sim
func BenchmarkRunsToFailure(b *testing.B) {
	const streams = 20
	const budget = 20000
	bugs := append(append([]plantedBug(nil), gateBugs...), paddedBugs...)
	for _, bug := range bugs {
		for _, spec := range []string{"random", fmt.Sprintf("pct:%d", bug.depth), "pct:3"} {
			sp, err := sim.ParseStrategy(spec)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(bug.name+"/"+spec, func(b *testing.B) {
				var total, found, k, n int
				for range b.N {
					total, found = 0, 0
					for stream := range streams {
						res := sim.Explore(bug.root, sim.WithSeeds(uint64(stream)*budget, budget), sim.WithStrategySpec(sp))
						k, n = res.K, res.MaxTasks-1
						if res.Failure != nil {
							found++
							total += res.RunsToFailure()
						} else {
							total += budget
						}
					}
				}
				b.ReportMetric(float64(total)/streams, "runs/fail")
				b.ReportMetric(float64(found)/streams, "found")
				b.ReportMetric(float64(max(n, bug.tasks))*math.Pow(float64(k), float64(bug.depth-1)), "bound")
				b.ReportMetric(float64(k), "k")
			})
		}
	}
}
