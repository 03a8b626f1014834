package sim_test

import (
	"fmt"
	"testing"

	"github.com/petermattis/goid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/sim"
)

// fanOut spawns n tasks that all wait for the last to start, and records
// the goroutine id each task ran on.
func fanOut(n int, ids map[int64]bool) func(s *sim.Sim) {
	return func(s *sim.Sim) {
		ids[goid.Get()] = true
		gate, wg := sim.NewWaitGroup(s), sim.NewWaitGroup(s)
		gate.Add(n)
		for range n {
			wg.Go("w", func() {
				ids[goid.Get()] = true
				gate.Done()
				gate.Wait()
				s.Yield()
			})
		}
		wg.Wait()
	}
}

// A run on a pool leaves its goroutines there; the next run starts its
// tasks on them, and Close ends them.
func TestGoroutinePool_ReusesAcrossRuns(t *testing.T) {
	defer goleak.VerifyNone(t)
	pool := sim.NewGoroutinePool()
	defer pool.Close()
	first, second := map[int64]bool{}, map[int64]bool{}
	_, err := sim.Run(fanOut(4, first), sim.WithGoroutinePool(pool))
	require.NoError(t, err)
	_, err = sim.Run(fanOut(4, second), sim.WithGoroutinePool(pool))
	require.NoError(t, err)
	for id := range second {
		assert.True(t, first[id], "a task of the second run ran on a goroutine the first did not have")
	}
}

// A pool changes no schedule: runs with and without one, and the runs on
// a pool after runs that failed, give the same results.
func TestGoroutinePool_SameSchedules(t *testing.T) {
	pool := sim.NewGoroutinePool()
	defer pool.Close()
	root := func(s *sim.Sim) {
		x := sim.NewVar(s, 0)
		wg := sim.NewWaitGroup(s)
		for i := range 3 {
			wg.Go("w", func() {
				for range 5 {
					x.Store(x.Peek() + 1)
				}
				if i == 2 && x.Peek() == 15 {
					panic("last")
				}
			})
		}
		wg.Wait()
	}
	for seed := range uint64(40) {
		want, wantErr := sim.Run(root, sim.WithStrategy(sim.Random(seed)))
		got, gotErr := sim.Run(root, sim.WithStrategy(sim.Random(seed)), sim.WithGoroutinePool(pool))
		require.Equal(t, want.Schedule, got.Schedule, "seed %d", seed)
		require.Equal(t, wantErr != nil, gotErr != nil, "seed %d", seed)
		require.Equal(t, want.Trace.Timeline(), got.Trace.Timeline(), "seed %d", seed)
	}
}

// A Sim kept past its run and called from a task of a later run, on the
// very goroutine its last task ran on, panics like any other stale call.
func TestGoroutinePool_StaleSimPanics(t *testing.T) {
	pool := sim.NewGoroutinePool()
	defer pool.Close()
	var old *sim.Sim
	_, err := sim.Run(func(s *sim.Sim) { old = s }, sim.WithGoroutinePool(pool))
	require.NoError(t, err)
	var msg any
	_, err = sim.Run(func(s *sim.Sim) {
		defer func() { msg = recover() }()
		old.Yield()
	}, sim.WithGoroutinePool(pool))
	require.NoError(t, err)
	assert.Contains(t, fmt.Sprint(msg), "not a task of the simulation")
}
