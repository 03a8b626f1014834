package sim_test

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/tracebed/tracebed/sim"
)

// first always takes option 0: at a Yield, the lowest-id other task.
type first struct{}

func (first) Name() string               { return "first" }
func (first) Choose(d *sim.Decision) int { return 0 }

// BenchmarkDecision compares the cost of one scheduling decision with n
// runnable tasks against a raw iter.Pull switch-and-back (the "pull"
// sub-benchmark: one op is one next() round trip). A decision is a Yield
// of the running task, the strategy's choice, and the switch straight to
// the chosen task: one coroutine switch, half a round trip. Two tasks
// hand the turn back and forth; the other n-2 are spawned and runnable
// (options of every decision) but never chosen. One op is one decision.
//
// Run with: go test -run '^$' -bench 'Decision' -benchtime 200000x ./sim
func BenchmarkDecision(b *testing.B) {
	b.Run("pull", func(b *testing.B) {
		next, stop := iter.Pull(func(yield func(int) bool) {
			for i := 0; yield(i); i++ {
			}
		})
		defer stop()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			next()
		}
	})
	for _, n := range []int{2, 64, 512, 4096, 32768} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			stop := false
			_, err := sim.Run(func(s *sim.Sim) {
				s.Go("partner", func() {
					for !stop {
						s.Yield()
					}
				})
				for range n - 2 {
					s.Go("idle", func() {})
				}
				b.ResetTimer()
				for range b.N / 2 {
					s.Yield()
				}
				b.StopTimer()
				stop = true
			}, sim.WithStrategy(first{}), sim.WithMaxSteps(1<<50), sim.WithoutTrace())
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkStep measures the cost per task decision of each built-in
// strategy with n runnable tasks, every one of them yielding in a loop:
// it must not grow with n (O(log n) at most).
//
// Run with: go test -run '^$' -bench 'Step' -benchtime 100000x ./sim
func BenchmarkStep(b *testing.B) {
	strategies := []struct {
		name string
		make func() sim.Strategy
	}{
		{"random", func() sim.Strategy { return sim.Random(1) }},
		{"pct", func() sim.Strategy { return sim.PCTWithSteps(1, 3, 1<<30) }},
		{"replay-prefix", func() sim.Strategy { return sim.ReplayPrefix("1:+") }},
	}
	for _, st := range strategies {
		for _, n := range []int{2, 64, 512, 4096} {
			b.Run(fmt.Sprintf("%s/tasks=%d", st.name, n), func(b *testing.B) {
				b.ReportAllocs()
				budget, timing := b.N, false
				_, err := sim.Run(func(s *sim.Sim) {
					for range n - 1 {
						s.Go("spinner", func() {
							for budget > 0 {
								if timing {
									budget-- // one op per Yield, whoever yields
								}
								s.Yield()
							}
						})
					}
					timing = true
					b.ResetTimer()
					for budget > 0 {
						budget--
						s.Yield()
					}
					b.StopTimer()
				}, sim.WithStrategy(st.make()), sim.WithMaxSteps(1<<50), sim.WithoutTrace())
				if err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// BenchmarkTimersDueTogether runs n tasks that sleep to the same instant:
// n timers due at once, which fire one decision at a time. The cost per
// timer must not grow with n (it was a walk and a sort of every due timer
// at each firing: 2.45 s for 8,000).
func BenchmarkTimersDueTogether(b *testing.B) {
	for _, n := range []int{1000, 8000} {
		b.Run(fmt.Sprintf("timers=%d", n), func(b *testing.B) {
			root := func(s *sim.Sim) {
				wg := sim.NewWaitGroup(s)
				for range n {
					wg.Go("sleeper", func() { s.Sleep(time.Second) })
				}
				wg.Wait()
			}
			for i := range b.N {
				if _, err := sim.Run(root, sim.WithStrategy(sim.Random(uint64(i))), sim.WithoutTrace()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/timer")
		})
	}
}
