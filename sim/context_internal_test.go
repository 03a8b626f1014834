package sim

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tasks waiting for a sim context are told by the context itself: no
// watch is polled at every step while they wait, so a step stays O(1).
// A context of the standard library, which cannot tell anyone, is still
// watched.
func TestWaitDone_SimContextIsNotPolled(t *testing.T) {
	var simWatches, stdWatches int
	_, err := Run(func(s *Sim) {
		ctx, cancel := s.WithCancel(context.Background())
		for range 50 {
			s.Go("waiter", func() { _ = s.WaitDone(ctx) })
			s.Go("selector", func() { s.Select(OnDone(ctx, nil)) })
		}
		s.Sleep(time.Second) // every waiter blocks
		simWatches = len(s.watches)
		cancel()

		std, stdCancel := context.WithCancel(context.Background())
		s.Go("std waiter", func() { _ = s.WaitDone(std) })
		s.Sleep(time.Second)
		stdWatches = len(s.watches)
		stdCancel()
	})
	require.NoError(t, err)
	assert.Zero(t, simWatches, "watches polled while 100 tasks wait for a sim context")
	assert.Equal(t, 1, stdWatches, "the standard library's context must be watched")
}

// A long-lived sim context keeps only its live waiters: a task selecting
// on it in a loop, and short-lived child contexts, leave nothing behind.
func TestSimContext_DropsStoppedWaiters(t *testing.T) {
	var kept int
	_, err := Run(func(s *Sim) {
		ctx, cancel := s.WithCancel(context.Background())
		defer cancel()
		tick := NewChan[int](s, 1)
		for i := range 2000 {
			tick.Send(i)
			s.Select(OnDone(ctx, nil), OnRecv(tick, nil))
			child, stop := s.WithTimeout(ctx, time.Second)
			_ = child
			stop()
		}
		kept = len(ctx.(*simCtx).afterFuncs)
	}, WithMaxSteps(1<<30))
	require.NoError(t, err)
	assert.Less(t, kept, 100, "afterFuncs of a context waited on 2000 times")
}
