package sim_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tracebed/tracebed/sim"
)

// BenchmarkRunsToFailure reports, per planted bug and strategy, the mean
// number of runs until the first failure over several independent seed
// streams (runs/fail; a stream that finds nothing counts its whole budget)
// and the fraction of streams that found the bug (found).
//
// PCT rows also report PCT's bound on the expected number of runs (bound):
// PCT of depth D finds a bug of depth d ≤ D with probability at least
// 1/(n·k^(D-1)) per run, so it needs at most n·k^(D-1) runs on average.
// k is the measured number of task decisions of a run (the k metric:
// [sim.Calibrate]'s, as Explore measures it) and n the most tasks in a run, root included: every
// task that PCT gives a priority to and chooses among, as in
// [sim.ExploreResult.MissBound]. The bound is PCT's, so random rows have
// none. It is about task decisions: B6 is a select and timer tie at one
// instant, which PCT draws uniformly, so its bound is only indicative.
//
// Run with: go test -run '^$' -bench RunsToFailure -benchtime 1x ./sim
func BenchmarkRunsToFailure(b *testing.B) {
	const streams = 20
	const budget = 20000
	bugs := append(append(append([]plantedBug(nil), gateBugs...), paddedBugs...), relayBug)
	for _, bug := range bugs {
		// random, pct at the bug's depth, and pct:3 unless that is the same
		type row struct {
			spec  string
			depth int // PCT's depth D, 0 for random
		}
		rows := []row{{"random", 0}, {fmt.Sprintf("pct:%d", bug.depth), bug.depth}}
		if bug.depth != 3 {
			rows = append(rows, row{"pct:3", 3})
		} else {
			// A depth-3 bug by preemptions can be deeper by PCT's
			// measure, ordering constraints (B7: see sim/README.md).
			rows = append(rows, row{"pct:4", 4})
		}
		for _, r := range rows {
			sp, err := sim.ParseStrategy(r.spec)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(bug.name+"/"+r.spec, func(b *testing.B) {
				// Explore's k: ExploreResult.K is 0 when no PCT run
				// passed (a bug found at the first seed).
				k := sim.Calibrate(bug.root).K
				var total, found, n int
				for range b.N {
					total, found = 0, 0
					for stream := range streams {
						res := sim.Explore(bug.root, sim.WithSeeds(uint64(stream)*budget, budget), sim.WithStrategySpec(sp))
						n = max(n, res.MaxTasks)
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
				if r.depth >= bug.depth {
					b.ReportMetric(float64(n)*math.Pow(float64(k), float64(r.depth-1)), "bound")
					b.ReportMetric(float64(k), "k")
				}
			})
		}
	}
}

// alternate always switches to another task when it can: every task
// decision is a task switch. (At a Yield the yielder is the last option,
// elsewhere the current task the first: so it asks which option runs
// which task.)
type alternate struct{}

func (alternate) Name() string { return "alternate" }
func (alternate) Choose(d *sim.Decision) int {
	for i := range d.N {
		if d.Kind == sim.KindTask && d.Task(i) != d.Current {
			return i
		}
	}
	return 0
}

// BenchmarkSwitch compares one round trip between two tasks (A yields to B,
// B yields back: two task switches) with a round trip between two raw
// goroutines over unbuffered channels. The sim sub-benchmark reports the
// ratio (the "switch/pingpong" metric) against a ping-pong of as many round
// trips timed right after its own, with the benchmark timer stopped, so
// that each of its -count runs has its own baseline under the same load.
// The pingpong sub-benchmark measures the baseline alone.
func BenchmarkSwitch(b *testing.B) {
	b.Run("pingpong", func(b *testing.B) {
		pingPong(b, b.N)
	})
	b.Run("sim", func(b *testing.B) {
		// Each task counts the times it ran twice in a row: none, if every
		// Yield switched.
		last, again := -1, 0
		turn := func(me int) {
			if last == me {
				again++
			}
			last = me
		}
		_, err := sim.Run(func(s *sim.Sim) {
			s.Go("other", func() {
				for range b.N {
					turn(1)
					s.Yield()
				}
			})
			b.ResetTimer()
			for range b.N {
				turn(0)
				s.Yield()
			}
			b.StopTimer()
		}, sim.WithStrategy(alternate{}), sim.WithMaxSteps(1<<50), sim.WithoutTrace())
		if err != nil {
			b.Fatal(err)
		}
		if again > 1 {
			b.Fatalf("%d of %d Yields did not switch", again, 2*b.N)
		}
		simNs := float64(b.Elapsed().Nanoseconds())
		if pp := pingPong(nil, b.N); pp > 0 {
			b.ReportMetric(simNs/float64(pp.Nanoseconds()), "switch/pingpong")
		}
	})
}

// pingPong makes n round trips between two goroutines over unbuffered
// channels and returns the time they took. With b set, only the round
// trips run under b's timer.
func pingPong(b *testing.B, n int) time.Duration {
	a, c := make(chan int), make(chan int)
	go func() {
		for v := range a {
			c <- v
		}
		close(c)
	}()
	if b != nil {
		b.ResetTimer()
	}
	start := time.Now()
	for i := range n {
		a <- i
		<-c
	}
	d := time.Since(start)
	if b != nil {
		b.StopTimer()
	}
	close(a)
	<-c
	return d
}

// BenchmarkScenario4x100 measures whole runs of a scenario of 4 tasks of
// 100 scheduling points each (runs/s = 1e9 / ns/op): "fresh" runs each on
// new goroutines, as a lone sim.Run does; "pooled" runs on a
// GoroutinePool, as the runs of an Explore or Check worker do.
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
	for _, pooled := range []bool{false, true} {
		name := "fresh"
		if pooled {
			name = "pooled"
		}
		b.Run(name, func(b *testing.B) {
			var pool *sim.GoroutinePool
			if pooled {
				pool = sim.NewGoroutinePool()
				defer pool.Close()
			}
			b.ReportAllocs()
			for i := range b.N {
				if _, err := sim.Run(root, sim.WithStrategy(sim.Random(uint64(i))), sim.WithoutTrace(), sim.WithGoroutinePool(pool)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}
