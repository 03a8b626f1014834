package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

func TestContext_TimeoutWakesWaiter(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ctx, cancel := s.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		dl, ok := ctx.Deadline()
		assert.True(t, ok)
		assert.Equal(t, s.Now().Add(5*time.Second), dl)
		assert.ErrorIs(t, s.WaitDone(ctx), context.DeadlineExceeded)
		assert.Equal(t, 5*time.Second, s.Elapsed())
	})
	require.NoError(t, err)
}

func TestContext_CancelFromTaskThroughStdChild(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		parent, cancel := s.WithCancel(context.Background())
		std, stop := context.WithCancel(parent) // follows parent through AfterFunc: no goroutine
		defer stop()
		child, stop2 := s.WithCancel(context.WithValue(std, ctxKey{}, "v")) // follows by polling
		defer stop2()
		s.Go("canceller", func() {
			s.Sleep(time.Second)
			cancel()
		})
		var got error
		i := s.Select(
			sim.OnRecv(s.After(time.Hour), nil),
			sim.OnDone(child, func(err error) { got = err }),
		)
		assert.Equal(t, 1, i)
		assert.ErrorIs(t, got, context.Canceled)
		assert.Equal(t, "v", child.Value(ctxKey{}))
		assert.Equal(t, time.Second, s.Elapsed())
	})
	require.NoError(t, err)
}

func TestContext_ParentDeadlineWins(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		parent, c1 := s.WithTimeout(context.Background(), time.Second)
		defer c1()
		child, c2 := s.WithTimeout(parent, time.Hour)
		defer c2()
		assert.ErrorIs(t, s.WaitDone(child), context.DeadlineExceeded)
		assert.Equal(t, time.Second, s.Elapsed())
	})
	require.NoError(t, err)
}

func TestContext_NeverCancelledIsADeadlock(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ctx, cancel := s.WithCancel(context.Background())
		defer cancel()
		s.WaitDone(ctx)
	})
	require.ErrorIs(t, err, sim.ErrDeadlock)
	assert.Contains(t, err.Error(), "wait ctx.Done()")
}

type ctxKey struct{}
