package sim_test

import (
	"context"
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
