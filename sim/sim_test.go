package sim_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

func TestRun_RootOnly(t *testing.T) {
	ran := false
	res, err := sim.Run(func(s *sim.Sim) {
		assert.Equal(t, 0, s.Current().ID())
		assert.Equal(t, "root", s.Current().Name())
		ran = true
	})
	require.NoError(t, err)
	assert.True(t, ran)
	assert.Equal(t, 1, res.Tasks)
	assert.Equal(t, "1:", res.Schedule)
}

func TestRun_SpawnIDsAndJoin(t *testing.T) {
	var order []int
	_, err := sim.Run(func(s *sim.Sim) {
		wg := sim.NewWaitGroup(s)
		for i := range 3 {
			wg.Add(1)
			task := s.Go(fmt.Sprintf("w%d", i), func() {
				defer wg.Done()
				s.Yield()
				order = append(order, s.Current().ID())
			})
			assert.Equal(t, i+1, task.ID())
		}
		wg.Wait()
		assert.Len(t, order, 3)
	}, sim.WithStrategy(sim.Random(7)))
	require.NoError(t, err)
	assert.ElementsMatch(t, []int{1, 2, 3}, order)
}

func TestSleep_VirtualTime(t *testing.T) {
	start := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	var woke []string
	res, err := sim.Run(func(s *sim.Sim) {
		wg := sim.NewWaitGroup(s)
		wg.Go("slow", func() { s.Sleep(2 * time.Hour); woke = append(woke, "slow") })
		wg.Go("fast", func() { s.Sleep(time.Second); woke = append(woke, "fast") })
		wg.Wait()
		assert.Equal(t, start.Add(2*time.Hour), s.Now())
	}, sim.WithStartTime(start))
	require.NoError(t, err)
	assert.Equal(t, []string{"fast", "slow"}, woke)
	assert.Equal(t, 2*time.Hour, res.Elapsed)
}

func TestDeadlock_ReportsEveryTask(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		a, b := sim.NewMutex(s), sim.NewMutex(s)
		ch := sim.NewChan[int](s, 0)
		s.Go("receiver", func() { ch.Recv() })
		a.Lock()
		s.Go("locker", func() { b.Lock(); a.Lock() })
		s.Sleep(time.Second)
		b.Lock()
	})
	require.Error(t, err)
	assert.True(t, errors.Is(err, sim.ErrDeadlock), "got %v", err)
	var f *sim.Failure
	require.True(t, errors.As(err, &f))
	assert.Contains(t, f.Report, `task 0 "root": blocked in lock mutex#2 (held by task 2 "locker")`)
	assert.Contains(t, f.Report, `task 1 "receiver": blocked in recv chan#3`)
	assert.Contains(t, f.Report, `task 2 "locker": blocked in lock mutex#1 (held by task 0 "root")`)
	assert.Contains(t, f.Report, "sim_test.go")
}

func TestPanic_CaughtWithStack(t *testing.T) {
	res, err := sim.Run(func(s *sim.Sim) {
		m := sim.NewMutex(s)
		m.Lock()
		s.Go("waiter", func() { m.Lock() })
		s.Go("bad", func() { panic("boom") })
		s.Sleep(time.Hour)
	})
	require.ErrorIs(t, err, sim.ErrPanic)
	var f *sim.Failure
	require.ErrorAs(t, err, &f)
	assert.Equal(t, "boom", f.Value)
	assert.Equal(t, "bad", f.TaskName)
	assert.Contains(t, f.Stack, "sim_test.go")
	assert.Equal(t, res.Schedule, f.Schedule)
}

func TestGoexit_IsAFailure(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		s.Go("fatal", func() { s.Yield(); runtimeGoexit() })
		s.Sleep(time.Second)
	})
	require.ErrorIs(t, err, sim.ErrPanic)
	assert.Contains(t, err.Error(), "Goexit")
}

func TestLivelock_StepBound(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		for {
			s.Yield()
		}
	}, sim.WithMaxSteps(1000))
	require.ErrorIs(t, err, sim.ErrLivelock)
}

func TestLeak_Reported(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ch := sim.NewChan[int](s, 0)
		s.Go("stuck", func() { ch.Recv() })
	})
	require.ErrorIs(t, err, sim.ErrLeak)
	assert.Contains(t, err.Error(), `task 1 "stuck"`)
}

func TestChan_BufferedAndClose(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ch := sim.NewChan[int](s, 2)
		s.Go("producer", func() {
			for i := range 5 {
				ch.Send(i)
			}
			ch.Close()
		})
		var got []int
		for {
			v, ok := ch.Recv()
			if !ok {
				break
			}
			got = append(got, v)
		}
		assert.Equal(t, []int{0, 1, 2, 3, 4}, got)
	}, sim.WithStrategy(sim.Random(3)))
	require.NoError(t, err)
}

func TestLocal_Inheritance(t *testing.T) {
	inh := sim.NewLocal[string](true)
	own := sim.NewLocal[string](false)
	_, err := sim.Run(func(s *sim.Sim) {
		inh.Set(s, "parent")
		own.Set(s, "parent")
		done := sim.NewWaitGroup(s)
		done.Go("child", func() {
			assert.Equal(t, "parent", inh.Get(s))
			assert.Equal(t, "", own.Get(s))
			inh.Set(s, "child")
		})
		done.Wait()
		assert.Equal(t, "parent", inh.Get(s))
	})
	require.NoError(t, err)
}

func TestPCT_Deterministic(t *testing.T) {
	run := func() string {
		res, err := sim.Run(func(s *sim.Sim) {
			wg := sim.NewWaitGroup(s)
			for i := range 3 {
				wg.Go(fmt.Sprint("w", i), func() {
					for range 5 {
						s.Yield()
					}
				})
			}
			wg.Wait()
		}, sim.WithStrategy(sim.PCT(42, 3)))
		require.NoError(t, err)
		return res.Trace.String()
	}
	assert.Equal(t, run(), run())
}
