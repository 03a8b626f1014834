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

func TestSelect_ReadyCaseIsADecision(t *testing.T) {
	seen := map[int]bool{}
	for seed := range uint64(50) {
		_, err := sim.Run(func(s *sim.Sim) {
			a, b := sim.NewChan[int](s, 1), sim.NewChan[int](s, 1)
			a.Send(1)
			b.Send(2)
			var got int
			i := s.Select(sim.OnRecv(a, func(v int, _ bool) { got = v }), sim.OnRecv(b, func(v int, _ bool) { got = v }))
			assert.Equal(t, i+1, got)
			seen[i] = true
		}, sim.WithStrategy(sim.Random(seed)))
		require.NoError(t, err)
	}
	assert.Equal(t, map[int]bool{0: true, 1: true}, seen)
}

func TestSelect_DefaultAndBlocking(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ch := sim.NewChan[string](s, 0)
		assert.Equal(t, 1, s.Select(sim.OnRecv(ch, nil), sim.OnDefault(nil)))
		s.Go("sender", func() { s.Sleep(time.Second); ch.Send("hi") })
		var got string
		i := s.Select(
			sim.OnRecv(s.After(time.Hour), nil),
			sim.OnRecv(ch, func(v string, ok bool) { got = v }),
		)
		assert.Equal(t, 1, i)
		assert.Equal(t, "hi", got)
		assert.Equal(t, time.Second, s.Elapsed())
	})
	require.NoError(t, err)
}

func TestSelect_SendToBlockedSelect(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ch := sim.NewChan[int](s, 0)
		done := sim.NewChan[bool](s, 0)
		s.Go("receiver", func() {
			var got int
			s.Select(sim.OnRecv(ch, func(v int, _ bool) { got = v }), sim.OnRecv(done, nil))
			assert.Equal(t, 42, got)
		})
		s.Select(sim.OnSend(ch, 42, nil))
	}, sim.WithStrategy(sim.Random(1)))
	require.NoError(t, err)
}

func TestTimers_SameInstantOrderIsADecision(t *testing.T) {
	outcomes := map[string]bool{}
	for seed := range uint64(40) {
		_, err := sim.Run(timeoutRace, sim.WithStrategy(sim.Random(seed)))
		if err != nil {
			require.ErrorIs(t, err, sim.ErrPanic)
			outcomes["timeout"] = true
		} else {
			outcomes["reply"] = true
		}
	}
	assert.Equal(t, map[string]bool{"timeout": true, "reply": true}, outcomes)
}

func TestTimer_StopAndAfterFunc(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		tm := s.NewTimer(time.Second)
		assert.True(t, tm.Stop())
		assert.False(t, tm.Stop())
		fired := sim.NewFuture[time.Duration](s)
		s.AfterFunc(3*time.Second, func() { fired.Resolve(s.Elapsed()) })
		assert.Equal(t, 3*time.Second, fired.Get())
	})
	require.NoError(t, err)
}

func TestFuture_ThenInheritsCallerLocals(t *testing.T) {
	span := sim.NewLocal[string](true)
	var got []string
	_, err := sim.Run(func(s *sim.Sim) {
		f := sim.NewFuture[int](s)
		span.Set(s, "registrar")
		f.Then(func(v int) { got = append(got, span.Get(s)) })
		wg := sim.NewWaitGroup(s)
		wg.Go("resolver", func() {
			span.Set(s, "resolver")
			f.Resolve(1)
		})
		wg.Wait()
		assert.Equal(t, 1, f.Get())
		span.Set(s, "late")
		f.Then(func(v int) { got = append(got, span.Get(s)) })
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"registrar", "late"}, got)
}

func TestLoop_CallbacksInOrderWithCapturedLocals(t *testing.T) {
	ctx := sim.NewLocal[string](true)
	own := sim.NewLocal[string](false)
	var got []string
	_, err := sim.Run(func(s *sim.Sim) {
		loop := sim.NewLoop(s, "ioloop")
		loop.CallSoon(func() { own.Set(s, "loop's own") })
		for _, name := range []string{"a", "b", "c"} {
			ctx.Set(s, name)
			loop.CallSoon(func() {
				got = append(got, ctx.Get(s)+"/"+own.Get(s))
				ctx.Set(s, "clobbered") // must not leak into the next callback
			})
		}
		ctx.Set(s, "later")
		loop.CallLater(time.Second, func() { got = append(got, ctx.Get(s)+"/"+own.Get(s)) })
		s.Sleep(2 * time.Second)
		loop.Stop()
		loop.Wait()
		assert.Equal(t, "later", ctx.Get(s))
	}, sim.WithStrategy(sim.Random(5)))
	require.NoError(t, err)
	assert.Equal(t, []string{"a/loop's own", "b/loop's own", "c/loop's own", "later/loop's own"}, got)
}

func TestLoop_ScheduleAfterExitPanics(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		loop := sim.NewLoop(s, "l")
		loop.Stop()
		loop.Wait()
		loop.CallSoon(func() {})
	})
	require.ErrorIs(t, err, sim.ErrPanic)
	assert.Contains(t, err.Error(), "exited loop#1")
}

func TestMutex_Misuse(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) { sim.NewMutex(s).Unlock() })
	require.ErrorIs(t, err, sim.ErrPanic)
	_, err = sim.Run(func(s *sim.Sim) {
		m := sim.NewMutex(s)
		m.Lock()
		assert.False(t, m.TryLock())
		m.Lock()
	})
	require.ErrorIs(t, err, sim.ErrDeadlock)
}

func TestChan_SendOnClosedPanics(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ch := sim.NewChan[int](s, 0)
		s.Go("sender", func() { ch.Send(1) })
		s.Sleep(time.Second)
		ch.Close()
		s.Sleep(time.Second)
	})
	require.ErrorIs(t, err, sim.ErrPanic)
	assert.Contains(t, err.Error(), "send on closed chan#1")
}

func TestIntn_RecordedAndReplayed(t *testing.T) {
	var first []int
	res, err := sim.Run(func(s *sim.Sim) {
		for range 10 {
			first = append(first, s.Intn(100))
		}
	}, sim.WithStrategy(sim.Random(9)))
	require.NoError(t, err)
	var again []int
	_, err = sim.Run(func(s *sim.Sim) {
		for range 10 {
			again = append(again, s.Intn(100))
		}
	}, sim.WithStrategy(sim.Replay(res.Schedule)))
	require.NoError(t, err)
	assert.Equal(t, first, again)
}

func TestReplay_Divergence(t *testing.T) {
	root := func(s *sim.Sim) {
		for range 3 {
			s.Go("w", func() { s.Yield() })
		}
	}
	res, err := sim.Run(root, sim.WithStrategy(sim.Random(2)))
	require.NoError(t, err)
	tests := []struct {
		name     string
		give     string
		wantText string
	}{
		{"too short", "1:", "schedule ended"},
		{"too long", res.Schedule + "0000", "the run ended after"},
		{"out of range", "1:~99.", "the schedule says option 99"},
		{"garbage", "2:00", "bad schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sim.Run(root, sim.WithStrategy(sim.Replay(tt.give)))
			require.ErrorIs(t, err, sim.ErrDivergence)
			assert.Contains(t, err.Error(), tt.wantText)
		})
	}
}

func TestUnwind_DefersRunAfterFailure(t *testing.T) {
	var unwound []string
	_, err := sim.Run(func(s *sim.Sim) {
		m := sim.NewMutex(s)
		m.Lock()
		s.Go("blocked", func() {
			defer func() { unwound = append(unwound, "blocked") }()
			m.Lock()
		})
		s.Go("sleeper", func() {
			defer func() { unwound = append(unwound, "sleeper") }()
			s.Sleep(time.Hour)
		})
		s.Sleep(time.Minute) // both have started, and wait
		panic(errors.New("root fails"))
	}, sim.WithStrategy(sim.Random(4)))
	require.ErrorIs(t, err, sim.ErrPanic)
	assert.ElementsMatch(t, []string{"blocked", "sleeper"}, unwound)
}

// A worker that recovers every panic and loops cannot keep the unwinding
// going for ever: tasks are ended with runtime.Goexit, which no recover
// stops, and a scheduling point reached in a deferred call ends that call.
// With panic-based unwinding this Run never returned.
func TestUnwind_RecoverInUserCodeCannotStopIt(t *testing.T) {
	var unwound []string
	_, err := sim.Run(func(s *sim.Sim) {
		jobs := sim.NewChan[int](s, 0)
		s.Go("worker", func() {
			defer func() { unwound = append(unwound, "worker") }()
			for {
				func() {
					defer func() { _ = recover() }()
					defer jobs.Recv() // a blocking call in a defer, reached while unwinding
					jobs.Recv()
				}()
			}
		})
		s.Yield()
		panic(errors.New("root fails"))
	}, sim.WithStrategy(sim.Random(1)))
	require.ErrorIs(t, err, sim.ErrPanic)
	assert.Equal(t, []string{"worker"}, unwound)
}

// A sim primitive called from a plain goroutine started inside a task is
// refused with a panic that says what happened, instead of running beside
// the scheduled task. The goroutine here is joined before the task goes on,
// so that the check, not a data race, is what the test sees.
func TestMisuse_PrimitiveFromBareGoroutine(t *testing.T) {
	var got any
	_, err := sim.Run(func(s *sim.Sim) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer func() { got = recover() }()
			s.Yield()
		}()
		<-done
	})
	require.NoError(t, err)
	require.NotNil(t, got, "Yield from a bare goroutine did not panic")
	assert.Contains(t, fmt.Sprint(got), "not a task of the simulation")
}

// A deferred call that panics while its task is being unwound (here the
// usual `defer mu.Unlock()` around a Cond.Wait, whose mutex is released
// while the task waits) must not take the unwinding with it: Run returns
// the original failure. With Goexit-based unwinding the Goexit resumed
// after the recovered panic and was raised on the goroutine calling Run.
func TestUnwind_PanickingDeferDuringUnwind(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		mu := sim.NewMutex(s)
		c := sim.NewCond(s, mu)
		s.Go("waiter", func() {
			mu.Lock()
			defer mu.Unlock() // panics while unwinding: mu is not held in Wait
			c.Wait()
		})
		s.Sleep(time.Second)
		panic("boom")
	})
	require.ErrorIs(t, err, sim.ErrPanic)
	assert.Contains(t, err.Error(), "boom")
}

// A defer that calls a deciding primitive while its task unwinds (Signal
// chooses which waiter to wake) makes no decision after the failure: the
// failing schedule is the same with or without it.
func TestUnwind_NoDecisionsAfterTheFailure(t *testing.T) {
	run := func(signalInDefer bool) string {
		res, err := sim.Run(func(s *sim.Sim) {
			mu := sim.NewMutex(s)
			c := sim.NewCond(s, mu)
			for i := range 3 {
				s.Go(fmt.Sprint("waiter", i), func() {
					mu.Lock()
					c.Wait()
					mu.Unlock()
				})
			}
			s.Go("signaller", func() {
				if signalInDefer {
					defer c.Signal()
				}
				s.Sleep(2 * time.Second)
			})
			s.Sleep(time.Second)
			panic("boom")
		}, sim.WithStrategy(sim.Random(3)))
		require.ErrorIs(t, err, sim.ErrPanic)
		return res.Schedule
	}
	assert.Equal(t, run(false), run(true))
}

// lastTimer fires the most recently created of the timers due, once the
// tasks have run: at a KindTimer decision option i is the i-th due timer
// in creation order, and the last option, when tasks can run, fires none
// yet (an AfterFunc's f runs in a task of its own).
type lastTimer struct{}

func (lastTimer) Name() string { return "last-timer" }
func (lastTimer) Choose(d *sim.Decision) int {
	if d.Kind != sim.KindTimer {
		return 0
	}
	return d.N - 1
}

// Timers due at one instant fire in the order the decisions say, however
// many there are, and whatever the callbacks add or stop in between (the
// list of due timers is kept across decisions at one instant, and must
// follow what changes it).
func TestTimers_DueTogetherFireInTheOrderChosen(t *testing.T) {
	var order []int
	_, err := sim.Run(func(s *sim.Sim) {
		timers := make([]*sim.Timer, 0, 200)
		for i := range 200 {
			timers = append(timers, s.AfterFunc(time.Second, func() {
				order = append(order, i)
				switch {
				case i == 150:
					timers[10].Stop() // a due one, still pending
				case i == 120:
					s.AfterFunc(0, func() { order = append(order, 1000) }) // due now, newest
				}
			}))
		}
		s.Sleep(2 * time.Second)
	}, sim.WithStrategy(lastTimer{}))
	require.NoError(t, err)
	var want []int
	for i := 199; i >= 0; i-- {
		if i == 10 {
			continue
		}
		want = append(want, i)
		if i == 120 {
			want = append(want, 1000)
		}
	}
	assert.Equal(t, want, order)
}
