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

// alternate always switches to another task when it can: every decision
// is a task switch.
type alternate struct{}

func (alternate) Name() string { return "alternate" }
func (alternate) Choose(d *sim.Decision) int {
	if d.N > 1 {
		return 1
	}
	return 0
}

// BenchmarkSwitch compares one round trip between two tasks (A yields to B,
// B yields back: two task switches) with a round trip between two raw
// goroutines over unbuffered channels, measured in the same run. The ratio
// is reported by the "switch/pingpong" metric of the sim sub-benchmark.
func BenchmarkSwitch(b *testing.B) {
	var pingpong float64
	b.Run("pingpong", func(b *testing.B) {
		a, c := make(chan int), make(chan int)
		go func() {
			for v := range a {
				c <- v
			}
			close(c)
		}()
		b.ResetTimer()
		for i := range b.N {
			a <- i
			<-c
		}
		b.StopTimer()
		close(a)
		<-c
		pingpong = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("sim", func(b *testing.B) {
		_, err := sim.Run(func(s *sim.Sim) {
			s.Go("other", func() {
				for range b.N {
					s.Yield()
				}
			})
			b.ResetTimer()
			for range b.N {
				s.Yield()
			}
			b.StopTimer()
		}, sim.WithStrategy(alternate{}), sim.WithMaxSteps(1<<50), sim.WithoutTrace())
		if err != nil {
			b.Fatal(err)
		}
		if pingpong > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/pingpong, "switch/pingpong")
		}
	})
}

// BenchmarkScenario4x100 measures whole runs of a scenario of 4 tasks of
// 100 scheduling points each (runs/s = 1e9 / ns/op).
func BenchmarkScenario4x100(b *testing.B) {
	root := func(s *sim.Sim) {
		x := sim.NewVar(s, 0)
		wg := sim.NewWaitGroup(s)
		for range 4 {
			wg.Go("worker", func() {
				for range 100 {
					x.Store(x.Peek() + 1)
				}
			})
		}
		wg.Wait()
	}
	b.ReportAllocs()
	for i := range b.N {
		if _, err := sim.Run(root, sim.WithStrategy(sim.Random(uint64(i))), sim.WithoutTrace()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}
