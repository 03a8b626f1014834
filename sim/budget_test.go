package sim_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/sim/internal/faketb"
)

// poller spins on a flag for up to 5,000 steps while another task sets
// it: under DFS the schedules within a preemption bound number millions.
func poller(s *sim.Sim) {
	done := sim.NewVar(s, false)
	wg := sim.NewWaitGroup(s)
	wg.Go("poll", func() {
		for i := 0; i < 5000 && !done.Load(); i++ {
			s.Yield()
		}
	})
	wg.Go("set", func() { done.Store(true) })
	wg.Wait()
}

// cancelAfter returns a context and a progress callback that cancels it
// once n runs are done: a deterministic point, not a timer.
func cancelAfter(n int) (context.Context, func(done, total int), context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	return ctx, func(done, _ int) {
		if done >= n {
			cancel()
		}
	}, cancel
}

func TestExplore_ContextStopsDFS(t *testing.T) {
	ctx, progress, cancel := cancelAfter(5)
	defer cancel()
	res := sim.Explore(poller, sim.WithStrategySpec(sim.DFS(2)), sim.WithContext(ctx), sim.WithProgress(progress))
	assert.Equal(t, 5, res.Runs)
	assert.False(t, res.Complete)
	assert.True(t, res.CutShort)
	assert.Nil(t, res.Failure)
	assert.Contains(t, res.String(), "5 runs (dfs:2), 5 distinct schedules")
	assert.Contains(t, res.String(), "cut short (search incomplete)")
}

func TestExplore_ContextStopsSeeds(t *testing.T) {
	ctx, progress, cancel := cancelAfter(7)
	defer cancel()
	res := sim.Explore(poller, sim.WithSeeds(0, 1000), sim.WithWorkers(1), sim.WithContext(ctx), sim.WithProgress(progress))
	assert.Equal(t, 7, res.Runs)
	assert.True(t, res.CutShort)
	full := sim.Explore(poller, sim.WithSeeds(0, 7), sim.WithWorkers(1))
	assert.False(t, full.CutShort)
	assert.Equal(t, 7, full.Runs)
}

func TestCheck_SaysItWasCutShort(t *testing.T) {
	ctx, progress, cancel := cancelAfter(3)
	defer cancel()
	ft := faketb.New("TestCut")
	sim.Check(ft, poller, sim.WithSeeds(0, 100), sim.WithWorkers(1), sim.WithContext(ctx), sim.WithProgress(progress))
	require.False(t, ft.Failed(), ft.Errors)
	require.Len(t, ft.Logs, 1)
	assert.Contains(t, ft.Logs[0], "cut short by its context or time budget: only 3 of the 100 seeds planned ran")
}

// A time budget spent before the first run stops the exploration there.
func TestExplore_TimeBudget(t *testing.T) {
	res := sim.Explore(poller, sim.WithStrategySpec(sim.DFS(2)), sim.WithTimeBudget(time.Nanosecond))
	assert.Equal(t, 0, res.Runs)
	assert.True(t, res.CutShort)
}

// RunsToFailure counts DFS runs, not seeds.
func TestExplore_RunsToFailureDFS(t *testing.T) {
	res := sim.Explore(lostUpdate, sim.WithStrategySpec(sim.DFS(1)))
	require.NotNil(t, res.Failure)
	require.Greater(t, res.Runs, 1, "the lost update is not the first DFS schedule")
	assert.Equal(t, res.Runs, res.RunsToFailure())
}

// Check's time budget (or context) bounds its shrinking too: once it has
// ended, Check makes no more runs of the failure (shrinking one used to
// take up to 52,000 runs whatever the budget), and says it did not shrink
// it.
func TestCheck_ShrinkStaysWithinTheBudget(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs, atFailure atomic.Int64
	root := func(s *sim.Sim) {
		runs.Add(1)
		x := sim.NewVar(s, 0)
		wg := sim.NewWaitGroup(s)
		for range 3 {
			wg.Go("inc", func() { x.Store(x.Load() + 1) })
		}
		wg.Wait()
		if x.Peek() != 3 {
			// The budget ends as the first failure is found.
			if atFailure.CompareAndSwap(0, runs.Load()) {
				cancel()
			}
			panic("lost update")
		}
	}
	ft := faketb.New("TestBudget")
	sim.Check(ft, root, sim.WithSeeds(0, 1000), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, "random")), sim.WithContext(ctx))
	require.True(t, ft.Failed())
	require.Positive(t, atFailure.Load())
	assert.LessOrEqual(t, runs.Load()-atFailure.Load(), int64(1), "runs after the budget ended")
	assert.Contains(t, ft.Errors, "not shrunk: the time budget or context ended first")
}

// A DFS stopped by its bound of runs says its search is incomplete, in
// Explore's summary and so in Check's log; a full one says complete.
func TestExplore_DFSSaysWhetherItIsComplete(t *testing.T) {
	res := sim.Explore(poller, sim.WithStrategySpec(sim.DFS(2)), sim.WithMaxRuns(20))
	assert.Equal(t, 20, res.Runs)
	assert.False(t, res.Complete)
	assert.Contains(t, res.String(), "search incomplete: it stopped at its bound of runs")
	ft := faketb.New("TestMaxRuns")
	sim.Check(ft, poller, sim.WithStrategySpec(sim.DFS(2)), sim.WithMaxRuns(20))
	require.False(t, ft.Failed(), ft.Errors)
	require.Len(t, ft.Logs, 1)
	assert.Contains(t, ft.Logs[0], "search incomplete")

	full := sim.Explore(atomicityViolationFixed(3), sim.WithStrategySpec(sim.DFS(1)))
	require.True(t, full.Complete, "%s", full)
	assert.Contains(t, full.String(), "search complete")
}

// The same with a time budget, which Check's shrinking used to ignore: it
// bounded only Explore's copy of the config. Each run spins 2 ms of wall
// time, so a 1 ms budget ends with the first run, which fails.
func TestCheck_ShrinkStaysWithinTheTimeBudget(t *testing.T) {
	var runs atomic.Int64
	root := func(s *sim.Sim) {
		runs.Add(1)
		for start := time.Now(); time.Since(start) < 2*time.Millisecond; {
		}
		x := sim.NewVar(s, 0)
		wg := sim.NewWaitGroup(s)
		for range 3 {
			wg.Go("inc", func() { x.Store(x.Load() + 1) })
		}
		wg.Wait()
		panic("always") // every schedule fails: plenty to shrink
	}
	ft := faketb.New("TestBudget")
	sim.Check(ft, root, sim.WithSeeds(0, 1000), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, "random")), sim.WithTimeBudget(time.Millisecond))
	require.True(t, ft.Failed())
	assert.LessOrEqual(t, runs.Load(), int64(2), "runs: the first, and at most the shrink's first replay")
	assert.Contains(t, ft.Errors, "not shrunk: the time budget or context ended first")
}

// Calibration, PCT's first runs, stops for the context and the budget as
// the seeds do: a context already done runs nothing at all.
func TestExplore_CalibrationStopsForTheContext(t *testing.T) {
	var runs atomic.Int64
	root := func(s *sim.Sim) {
		runs.Add(1)
		s.Yield()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := sim.Explore(root, sim.WithSeeds(0, 100), sim.WithStrategySpec(mustSpec(t, "pct:3")), sim.WithContext(ctx))
	assert.Zero(t, runs.Load(), "runs made after the context ended")
	assert.True(t, res.CutShort)
	assert.Zero(t, res.Runs)
	cal := sim.CalibrateContext(ctx, root)
	assert.Zero(t, cal.Runs)
	assert.Nil(t, cal.FirstRun().Strategy)
	assert.Zero(t, runs.Load())
}

// The determinism re-check keeps to the budget too: a failure found just
// before the budget ends is not re-checked past it (it was, twice over
// and for each sampled seed).
func TestExplore_RecheckStaysWithinTheBudget(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs, atFailure atomic.Int64
	root := func(s *sim.Sim) {
		n := runs.Add(1)
		s.Go("w", func() { s.Yield() })
		s.Yield()
		if n == 5 {
			atFailure.Store(n)
			cancel() // the budget ends as the failure is found
			panic("the fifth run")
		}
	}
	res := sim.Explore(root, sim.WithSeeds(0, 5), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, "random")), sim.WithContext(ctx))
	require.NotNil(t, res.Failure)
	assert.Equal(t, int64(5), runs.Load(), "runs after the budget ended")
	assert.True(t, res.CutShort)
	assert.ErrorIs(t, res.Failure, sim.ErrPanic, "no re-check, no nondeterminism claim")
}
