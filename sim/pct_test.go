package sim_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/sim/internal/faketb"
)

// The asymmetric planted bug: a long private prefix before a
// check-then-act, racing a task that acts once. Random runs are short
// (the clearer runs early, and the prefix then runs alone, without
// decisions), PCT runs long (every step of the prefix is a decision while
// the clearer waits), so a k measured on Random runs left every change
// point before the bug: pct:2 found nothing, and Check printed a tiny
// miss bound. With k fitted to the runs, pct:2 finds it.
func TestPCT_FindsTheAsymmetricBug(t *testing.T) {
	bug := atomicityViolation(40)
	res := sim.Explore(bug, sim.WithSeeds(0, 3000), sim.WithStrategySpec(mustSpec(t, "pct:2")))
	require.NotNil(t, res.Failure, "pct:2 missed the bug: %s", res)
	assert.ErrorIs(t, res.Failure, sim.ErrPanic)
	dfs := sim.Explore(bug, sim.WithStrategySpec(sim.DFS(1)))
	require.NotNil(t, dfs.Failure, "dfs:1 missed the bug: %s", dfs)
}

// PCT's k reaches as far as PCT's runs go, so pct:2 finds a depth-2 bug
// however deep in the run it lies, within what its bound promises; and on
// the fixed program the bound is stated for a k that covers the runs.
func TestPCT_KReachesTheBug(t *testing.T) {
	for _, m := range []int{30, 120} {
		t.Run(fmt.Sprint(m), func(t *testing.T) {
			bug := checkThenAct(m)
			dfs := sim.Explore(bug, sim.WithStrategySpec(sim.DFS(1)))
			require.NotNil(t, dfs.Failure, "dfs:1 missed the bug: %s", dfs)
			// With n = 3 tasks and k about 1.25·m, one run in 3k finds it:
			// 4,000 seeds miss it with probability about 2e-4 at m = 120
			// (and the seeds are fixed: the test is deterministic).
			res := sim.Explore(bug, sim.WithSeeds(0, 4000), sim.WithStrategySpec(mustSpec(t, "pct:2")))
			require.NotNil(t, res.Failure, "pct:2 missed a bug dfs:1 finds: %s, miss bound %.2g", res, res.MissBound(2))

			fixed := sim.Explore(func(s *sim.Sim) {
				set := sim.NewVar(s, false)
				wg := sim.NewWaitGroup(s)
				wg.Go("long", func() {
					for range m {
						set.Update(func(b bool) bool { return b })
					}
				})
				wg.Go("once", func() { set.Store(true) })
				wg.Wait()
			}, sim.WithSeeds(0, 50), sim.WithStrategySpec(mustSpec(t, "pct:2")))
			require.Nil(t, fixed.Failure)
			assert.GreaterOrEqual(t, fixed.K, m, "k must reach past the prefix: %s", fixed)
			assert.LessOrEqual(t, fixed.LongestRun, fixed.K, "runs went past k: %s", fixed)
			assert.Equal(t, 50, fixed.PCTRuns)
		})
	}
}

// Every passing PCT run Run returns kept within the k its strategy name gives, and
// the run was made again when its first k was too small.
func TestPCT_KIsWhatTheRunHad(t *testing.T) {
	bug := atomicityViolation(40)
	again := 0
	for seed := range uint64(50) {
		res, err := sim.Run(bug, sim.WithStrategy(sim.PCTWithSteps(seed, 2, 2)))
		failed := err != nil
		var s uint64
		var d, k int
		_, err = fmt.Sscanf(res.Strategy, "pct(seed=%d,depth=%d,k=%d)", &s, &d, &k)
		require.NoError(t, err, res.Strategy)
		if !failed { // a failing run is returned at once, whatever its k
			assert.LessOrEqual(t, res.TaskDecisions, k, "seed %d: %s", seed, res.Strategy)
		}
		if res.Runs > 1 {
			again++
		}
		// The seed alone replays: the same runs, the same schedule.
		res2, _ := sim.Run(bug, sim.WithStrategy(sim.PCTWithSteps(seed, 2, 2)))
		assert.Equal(t, res.Schedule, res2.Schedule)
	}
	assert.Positive(t, again, "no run was longer than k=2")
}

// Explore's miss bound is computed from the PCT runs that kept within
// their k, with the largest such k: never from Random runs' k, and none
// without PCT runs.
func TestPCT_MissBoundFromWhatRan(t *testing.T) {
	clean := atomicityViolationFixed(40)
	res := sim.Explore(clean, sim.WithSeeds(0, 100), sim.WithStrategySpec(mustSpec(t, "pct:2")))
	require.Nil(t, res.Failure)
	assert.Equal(t, 2, res.PCTDepth)
	assert.Equal(t, 100, res.PCTRuns)
	assert.GreaterOrEqual(t, res.K, 40, "k must cover the prefix PCT runs through: %s", res)
	assert.GreaterOrEqual(t, res.Calibration, 4)
	assert.Less(t, res.MissBound(2), 1.0)

	rnd := sim.Explore(clean, sim.WithSeeds(0, 20), sim.WithStrategySpec(mustSpec(t, "random")))
	assert.Zero(t, rnd.PCTRuns)
	assert.Equal(t, 1.0, rnd.MissBound(2), "no PCT run, no bound")
}

// atomicityViolationFixed is atomicityViolation(m) with the check and the
// act made one atomic step: it never fails.
func atomicityViolationFixed(m int) func(s *sim.Sim) {
	return func(s *sim.Sim) {
		v := 42
		p := sim.NewVar(s, &v)
		wg := sim.NewWaitGroup(s)
		wg.Go("user", func() {
			private(s, m)
			p.Update(func(q *int) *int {
				if q != nil {
					_ = *q
				}
				return q
			})
		})
		wg.Go("clearer", func() { p.Store(nil) })
		wg.Wait()
	}
}

// TestPCT_YielderGoesLast: a task that yields twice in a row while another
// can run does not run again before it, under PCT, for the first such
// yielder of a run as for the later ones (whose priorities count down from
// the first's): a spin loop lets the others go at its second Yield.
func TestPCT_YielderGoesLast(t *testing.T) {
	for seed := range uint64(300) {
		var order []string
		_, err := sim.Run(func(s *sim.Sim) {
			x := sim.NewVar(s, 0)
			wg := sim.NewWaitGroup(s)
			wg.Go("worker", func() {
				for i := range 5 {
					x.Store(i)
				}
				order = append(order, "worker done")
			})
			wg.Go("yielder", func() {
				for range 4 {
					s.Yield()
					order = append(order, "yielder resumed")
				}
			})
			wg.Wait()
		}, sim.WithStrategy(sim.PCTWithSteps(seed, 1, 50)))
		require.NoError(t, err)
		require.Len(t, order, 5)
		assert.LessOrEqual(t, slices.Index(order, "worker done"), 1, "seed %d: %v", seed, order)
	}
}

// One Yield does not drop a task under PCT: a bug that needs the yielder
// to go on (it publishes right after a Yield, before the reader reads) is
// a depth-1 bug, which pct:1 finds. When the first Yield dropped it, no
// depth found it and Check printed a miss bound of 8.1e-177.
func TestPCT_OneYieldKeepsThePriority(t *testing.T) {
	yieldThenPublish := func(s *sim.Sim) {
		x := sim.NewVar(s, 0)
		a := s.Go("A", func() { s.Yield(); x.Store(1) })
		b := s.Go("B", func() {
			if x.Load() == 1 {
				panic("B saw A's store")
			}
		})
		a.Wait()
		b.Wait()
	}
	for _, spec := range []string{"pct:1", "pct:2"} {
		res := sim.Explore(yieldThenPublish, sim.WithSeeds(0, 100), sim.WithStrategySpec(mustSpec(t, spec)))
		require.NotNil(t, res.Failure, "%s: %s, miss bound %.2g", spec, res, res.MissBound(res.PCTDepth))
	}
}

// No miss bound when a run went further than the k the change points were
// drawn over: those runs do not have the k the bound needs.
func TestPCT_NoBoundPastK(t *testing.T) {
	r := sim.ExploreResult{PCTRuns: 1000, PCTDepth: 2, K: 40, LongestRun: 40, MaxTasks: 3}
	assert.Less(t, r.MissBound(2), 1e-3)
	r.LongestRun = 41
	assert.Equal(t, 1.0, r.MissBound(2))
}

// A task that yields twice in a row drops under PCT, which is outside
// PCT's guarantee: a producer that writes between its Yields is a depth-1
// bug (a above b) that pct:1 and pct:2 never find. So an exploration whose
// PCT runs dropped a yielder gives no miss bound; Check printed 1e-100s.
func TestPCT_NoBoundWhenAYielderDropped(t *testing.T) {
	producer := func(s *sim.Sim) {
		v := sim.NewVar(s, 0)
		s.Go("a", func() { v.Store(1); s.Yield(); v.Store(2); s.Yield(); v.Store(3) })
		s.Go("b", func() {
			if v.Load() == 3 {
				panic("b saw a finish first")
			}
		})
	}
	for _, spec := range []string{"pct:1", "pct:2"} {
		res := sim.Explore(producer, sim.WithSeeds(0, 200), sim.WithStrategySpec(mustSpec(t, spec)))
		// The drop puts it out of reach at these depths (pct:3's change
		// points can undo a drop): the case the bound must not cover.
		require.Nil(t, res.Failure, "%s: %s", spec, res)
		assert.Positive(t, res.PCTYieldDrops, spec)
		assert.Equal(t, 1.0, res.MissBound(res.PCTDepth), "%s: %s", spec, res)
		ft := faketb.New("TestProducer")
		sim.Check(ft, producer, sim.WithSeeds(0, 200), sim.WithStrategySpec(mustSpec(t, spec)))
		require.False(t, ft.Failed())
		require.Len(t, ft.Logs, 1)
		assert.Contains(t, ft.Logs[0], "no miss bound: in ")
		assert.NotContains(t, ft.Logs[0], "would be missed")
	}
}
