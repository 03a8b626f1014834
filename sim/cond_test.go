package sim_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// boundedBuffer is the textbook producer/consumer on condition variables,
// with the knobs of its classic mistakes: one cond for both conditions
// (then Signal may wake a task of the wrong side), Broadcast instead of
// Signal, and if instead of for around Wait.
type boundedBuffer struct {
	mu                *sim.Mutex
	notEmpty, notFull *sim.Cond
	items             []int
	cap               int
	broadcast, ifWait bool
}

func newBoundedBuffer(s *sim.Sim, capacity int, oneCond, broadcast, ifWait bool) *boundedBuffer {
	b := &boundedBuffer{mu: sim.NewMutex(s), cap: capacity, broadcast: broadcast, ifWait: ifWait}
	b.notEmpty = sim.NewCond(s, b.mu)
	b.notFull = b.notEmpty
	if !oneCond {
		b.notFull = sim.NewCond(s, b.mu)
	}
	return b
}

func (b *boundedBuffer) waitWhile(c *sim.Cond, blocked func() bool) {
	if b.ifWait {
		if blocked() {
			c.Wait()
		}
		return
	}
	for blocked() {
		c.Wait()
	}
}

func (b *boundedBuffer) wake(c *sim.Cond) {
	if b.broadcast {
		c.Broadcast()
	} else {
		c.Signal()
	}
}

func (b *boundedBuffer) put(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waitWhile(b.notFull, func() bool { return len(b.items) == b.cap })
	if len(b.items) == b.cap {
		panic("put into a full buffer")
	}
	b.items = append(b.items, v)
	b.wake(b.notEmpty)
}

func (b *boundedBuffer) take() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waitWhile(b.notEmpty, func() bool { return len(b.items) == 0 })
	if len(b.items) == 0 {
		panic("take from an empty buffer")
	}
	v := b.items[0]
	b.items = b.items[1:]
	b.wake(b.notFull)
	return v
}

// producersConsumers runs two producers of two items each and two
// consumers of two each through a buffer of one slot, and checks that
// every item arrived once.
func producersConsumers(oneCond, broadcast, ifWait bool) func(s *sim.Sim) {
	return func(s *sim.Sim) {
		b := newBoundedBuffer(s, 1, oneCond, broadcast, ifWait)
		var got []int
		wg := sim.NewWaitGroup(s)
		for p := range 2 {
			wg.Go(fmt.Sprint("producer", p), func() {
				for i := range 2 {
					b.put(10*p + i)
				}
			})
			wg.Go(fmt.Sprint("consumer", p), func() {
				for range 2 {
					got = append(got, b.take())
				}
			})
		}
		wg.Wait()
		slices.Sort(got)
		if want := []int{0, 1, 10, 11}; !slices.Equal(got, want) {
			panic(fmt.Sprintf("got %v, want %v", got, want))
		}
	}
}

// The correct buffers pass 500 seeds of each strategy spec; each
// classic mistake is found: one cond with Signal
// deadlocks (a producer's Signal wakes the other producer), and if
// instead of for lets a woken consumer find the item gone.
func TestCond_ProducerConsumer(t *testing.T) {
	tests := []struct {
		name                       string
		oneCond, broadcast, ifWait bool
		wantErr                    error  // nil: no failure
		wantText                   string // a regexp matching the failure's message
	}{
		{"two conds, Signal", false, false, false, nil, ""},
		{"two conds, Broadcast", false, true, false, nil, ""},
		{"one cond, Broadcast", true, true, false, nil, ""},
		{"one cond, Signal", true, false, false, sim.ErrDeadlock, "waits in wait cond#2"},
		{"if instead of for", false, true, true, sim.ErrPanic, `panicked: (put into a full|take from an empty) buffer`},
	}
	specs := []sim.StrategySpec{mustSpec(t, "portfolio"), mustSpec(t, "random"), mustSpec(t, "pct:3")}
	for _, tt := range tests {
		for _, spec := range specs {
			t.Run(tt.name+"/"+spec.String(), func(t *testing.T) {
				root := producersConsumers(tt.oneCond, tt.broadcast, tt.ifWait)
				res := sim.Explore(root, sim.WithSeeds(0, 500), sim.WithStrategySpec(spec))
				if tt.wantErr == nil {
					require.Nil(t, res.Failure, "%v", res.Failure)
					return
				}
				require.NotNil(t, res.Failure, "exploration missed the bug: %s", res)
				require.ErrorIs(t, res.Failure, tt.wantErr)
				assert.Regexp(t, tt.wantText, res.Failure.Message)
				// The failure replays from its schedule.
				_, err := sim.Run(root, sim.WithStrategy(sim.Replay(res.Failure.Schedule)))
				require.ErrorIs(t, err, tt.wantErr)
			})
		}
	}
}

// Signal wakes exactly one waiter, Broadcast all of them; a Signal with
// nobody waiting is lost, not kept for the next Wait.
func TestCond_SignalVersusBroadcast(t *testing.T) {
	tests := []struct {
		name      string
		wake      func(c *sim.Cond)
		wantWoken int
	}{
		{"Signal", (*sim.Cond).Signal, 1},
		{"Signal twice", func(c *sim.Cond) { c.Signal(); c.Signal() }, 2},
		{"Broadcast", (*sim.Cond).Broadcast, 3},
		{"Signal after Broadcast", func(c *sim.Cond) { c.Broadcast(); c.Signal() }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim.Check(t, func(s *sim.Sim) {
				mu := sim.NewMutex(s)
				c := sim.NewCond(s, mu)
				woken := 0
				wg := sim.NewWaitGroup(s)
				for i := range 3 {
					wg.Go(fmt.Sprint("waiter", i), func() {
						mu.Lock()
						c.Wait()
						woken++
						mu.Unlock()
					})
				}
				s.Sleep(time.Second) // all three wait
				tt.wake(c)
				s.Sleep(time.Second) // the woken ones are done
				if woken != tt.wantWoken {
					panic(fmt.Sprintf("%d woken, want %d", woken, tt.wantWoken))
				}
				c.Broadcast() // release the rest
				wg.Wait()
			}, sim.WithSeeds(0, 100))
		})
	}

	t.Run("Signal with no waiter is lost", func(t *testing.T) {
		_, err := sim.Run(func(s *sim.Sim) {
			mu := sim.NewMutex(s)
			c := sim.NewCond(s, mu)
			c.Signal()
			mu.Lock()
			c.Wait()
		})
		require.ErrorIs(t, err, sim.ErrDeadlock)
		assert.Contains(t, err.Error(), `task 0 "root" waits in wait cond#2 (on mutex#1, 1 waiting)`)
	})
}

// recordingStrategy always takes option 0 and records the decisions.
type recordingStrategy struct{ kinds []string }

func (r *recordingStrategy) Name() string { return "first" }
func (r *recordingStrategy) Choose(d *sim.Decision) int {
	r.kinds = append(r.kinds, fmt.Sprintf("%s/%d", d.Kind, d.N))
	return 0
}

// Which waiter a Signal wakes is a decision of kind "cond" among the
// waiters: every waiter is woken under some seed, and option 0 is the one
// that has waited longest (FIFO, as Go's runtime does).
func TestCond_SignalChoiceIsADecision(t *testing.T) {
	root := func(got *string) func(s *sim.Sim) {
		return func(s *sim.Sim) {
			mu := sim.NewMutex(s)
			c := sim.NewCond(s, mu)
			wg := sim.NewWaitGroup(s)
			for i := range 3 {
				wg.Go(fmt.Sprint("waiter", i), func() {
					mu.Lock()
					c.Wait()
					if *got == "" {
						*got = s.Current().Name()
					}
					mu.Unlock()
				})
				s.Sleep(time.Second) // waiter i waits before waiter i+1
			}
			c.Signal()
			s.Sleep(time.Second)
			c.Broadcast()
			wg.Wait()
		}
	}
	seen := map[string]bool{}
	for seed := range uint64(60) {
		var got, again string
		res, err := sim.Run(root(&got), sim.WithStrategy(sim.Random(seed)))
		require.NoError(t, err)
		seen[got] = true
		_, err = sim.Run(root(&again), sim.WithStrategy(sim.Replay(res.Schedule)))
		require.NoError(t, err)
		assert.Equal(t, got, again, "seed %d: the replay woke another waiter", seed)
	}
	assert.Equal(t, map[string]bool{"waiter0": true, "waiter1": true, "waiter2": true}, seen)

	st := &recordingStrategy{}
	var got string
	_, err := sim.Run(root(&got), sim.WithStrategy(st))
	require.NoError(t, err)
	assert.Equal(t, "waiter0", got, "option 0 is the longest waiter")
	assert.Contains(t, st.kinds, "cond/3")
}

// Wait enqueues the task before it unlocks: a Signal that runs between
// the Unlock and the parking is not lost. Every schedule is tried.
func TestCond_NoLostWakeup(t *testing.T) {
	res := sim.Explore(func(s *sim.Sim) {
		mu := sim.NewMutex(s)
		c := sim.NewCond(s, mu)
		ready := false
		s.Go("signaller", func() {
			mu.Lock()
			ready = true
			c.Signal()
			mu.Unlock()
		})
		mu.Lock()
		for !ready {
			c.Wait()
		}
		mu.Unlock()
	}, sim.WithStrategySpec(sim.DFS(100)))
	require.Nil(t, res.Failure, "%v", res.Failure)
	assert.True(t, res.Complete)
	assert.Greater(t, res.Runs, 3)
}

// A Cond on an RWMutex's read side: readers wait for a version, the writer
// publishes under the write lock and broadcasts.
func TestCond_OnRLocker(t *testing.T) {
	sim.Check(t, func(s *sim.Sim) {
		rw := sim.NewRWMutex(s)
		c := sim.NewCond(s, rw.RLocker())
		version := 0
		wg := sim.NewWaitGroup(s)
		for i := range 2 {
			wg.Go(fmt.Sprint("reader", i), func() {
				rw.RLock()
				for version == 0 {
					c.Wait()
				}
				if rw.Readers() == 0 {
					panic("Wait returned without the read lock")
				}
				rw.RUnlock()
			})
		}
		wg.Go("writer", func() {
			rw.Lock()
			version = 1
			rw.Unlock()
			c.Broadcast()
		})
		wg.Wait()
	}, sim.WithSeeds(0, 200))
}

func TestCond_MisuseAndDeadlockReports(t *testing.T) {
	tests := []struct {
		name     string
		root     func(s *sim.Sim)
		wantErr  error
		wantText string
	}{
		{"Wait without the lock", func(s *sim.Sim) {
			c := sim.NewCond(s, sim.NewMutex(s))
			c.Wait()
		}, sim.ErrPanic, "sim: unlock of unlocked mutex#1"},
		{"Wait without the read lock", func(s *sim.Sim) {
			c := sim.NewCond(s, sim.NewRWMutex(s).RLocker())
			c.Wait()
		}, sim.ErrPanic, "sim: runlock of rwmutex#1 without readers"},
		{"nil Locker", func(s *sim.Sim) { sim.NewCond(s, nil) }, sim.ErrPanic, "sim: NewCond with a nil Locker"},
		{"Wait that nothing signals", func(s *sim.Sim) {
			mu := sim.NewMutex(s)
			c := sim.NewCond(s, mu)
			mu.Lock()
			c.Wait()
		}, sim.ErrDeadlock, `no task can run and no timer is pending: task 0 "root" waits in wait cond#2 (on mutex#1, 1 waiting)`},
		{"Wait on an RLocker that nothing signals", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			c := sim.NewCond(s, rw.RLocker())
			rw.RLock()
			c.Wait()
		}, sim.ErrDeadlock, `task 0 "root" waits in wait cond#2 (on rwmutex#1.RLocker(), 1 waiting)`},
		{"waiters left when the root returns", func(s *sim.Sim) {
			mu := sim.NewMutex(s)
			c := sim.NewCond(s, mu)
			for i := range 2 {
				s.Go(fmt.Sprint("waiter", i), func() {
					mu.Lock()
					c.Wait()
				})
			}
			s.Sleep(time.Second)
		}, sim.ErrLeak, `task 1 "waiter0" waits in wait cond#2 (on mutex#1, 2 waiting), task 2 "waiter1" waits in wait cond#2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sim.Run(tt.root, sim.WithStrategy(sim.Random(1)))
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantText)
		})
	}

	// The report shows the waiting task's stack from Cond.Wait down to the
	// user's code.
	var f *sim.Failure
	_, err := sim.Run(func(s *sim.Sim) {
		mu := sim.NewMutex(s)
		c := sim.NewCond(s, mu)
		mu.Lock()
		c.Wait()
	})
	require.ErrorAs(t, err, &f)
	assert.Contains(t, f.Report, `task 0 "root": blocked in wait cond#2 (on mutex#1, 1 waiting)`)
	assert.Contains(t, f.Report, "sim.(*Cond).Wait(")
	assert.Contains(t, f.Report, "sim_test.TestCond_MisuseAndDeadlockReports")
}

// Signal, Broadcast and Wait record their operations in the trace, and a
// Signal's choice among waiters is a "decide cond" event.
func TestCond_Trace(t *testing.T) {
	res, err := sim.Run(func(s *sim.Sim) {
		mu := sim.NewMutex(s)
		c := sim.NewCond(s, mu)
		for i := range 2 {
			s.Go(fmt.Sprint("waiter", i), func() {
				mu.Lock()
				c.Wait()
				mu.Unlock()
			})
		}
		s.Sleep(time.Second)
		c.Signal()
		c.Broadcast()
	}, sim.WithStrategy(sim.Random(2)))
	require.NoError(t, err)
	tr := res.Trace.String()
	for _, want := range []string{"block wait cond#2", "signal cond#2", "decide cond: option", "of 2", "woken cond#2", "broadcast cond#2"} {
		assert.Contains(t, tr, want)
	}
	assert.Equal(t, 2, strings.Count(tr, "woken cond#2"))
}

// lockScenario uses every operation of RWMutex and Cond: readers and
// writers of a cache, a cond on the read side that readers wait on for a
// fresh version, and a Signal among several waiters.
func lockScenario(s *sim.Sim) {
	rw := sim.NewRWMutex(s)
	fresh := sim.NewCond(s, rw.RLocker())
	version := sim.NewVar(s, 0)
	wg := sim.NewWaitGroup(s)
	for i := range 3 {
		wg.Go(fmt.Sprint("reader", i), func() {
			if !rw.TryRLock() {
				rw.RLock()
			}
			for version.Load() < 2 {
				fresh.Wait()
			}
			rw.RUnlock()
		})
	}
	for i := range 2 {
		wg.Go(fmt.Sprint("writer", i), func() {
			if !rw.TryLock() {
				rw.Lock()
			}
			version.Store(version.Load() + 1)
			rw.Unlock()
			fresh.Signal()
		})
	}
	wg.Go("broadcaster", func() {
		s.Sleep(time.Second)
		fresh.Broadcast()
	})
	wg.Wait()
}

// The same seed gives the same schedule and a byte-identical trace, and
// the schedule replays to that trace.
func TestLocks_Determinism(t *testing.T) {
	distinct := map[string]bool{}
	condDecisions := 0
	for seed := range uint64(150) {
		for _, st := range []func() sim.Strategy{
			func() sim.Strategy { return sim.Random(seed) },
			func() sim.Strategy { return sim.PCT(seed, 3) },
		} {
			first, err := sim.Run(lockScenario, sim.WithStrategy(st()))
			require.NoError(t, err)
			again, err := sim.Run(lockScenario, sim.WithStrategy(st()))
			require.NoError(t, err)
			require.Equal(t, first.Schedule, again.Schedule, "seed %d", seed)
			require.Equal(t, first.Trace.String(), again.Trace.String(), "seed %d", seed)
			replayed, err := sim.Run(lockScenario, sim.WithStrategy(sim.Replay(first.Schedule)))
			require.NoError(t, err)
			require.Equal(t, first.Trace.String(), replayed.Trace.String(), "seed %d: replay of %s", seed, first.Schedule)
			distinct[first.Schedule] = true
			if strings.Contains(first.Trace.String(), "decide cond") {
				condDecisions++
			}
		}
	}
	// The scenario must vary, and Signal must choose, or this proves little.
	assert.Greater(t, len(distinct), 150)
	assert.Positive(t, condDecisions)
}
