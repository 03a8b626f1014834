package sim_test

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// readersWriters is two writers that keep a == b, writing both under
// lock/unlock, and two readers that check a == b under rlock/runlock (and,
// if readersWrite, count their reads in hits: a write under a read lock).
// Every access of a sim.Var is a scheduling point, so without exclusion a
// reader sees a torn pair, or an update is lost. overlap is set if two
// readers ever held the lock at once.
func readersWriters(rlock, runlock, lock, unlock func(*sim.RWMutex), readersWrite bool, overlap *atomic.Bool) func(s *sim.Sim) {
	return func(s *sim.Sim) {
		rw := sim.NewRWMutex(s)
		a, b, hits := sim.NewVar(s, 0), sim.NewVar(s, 0), sim.NewVar(s, 0)
		wg := sim.NewWaitGroup(s)
		for i := range 2 {
			wg.Go(fmt.Sprint("writer", i), func() {
				lock(rw)
				a.Store(a.Load() + 1)
				b.Store(b.Load() + 1)
				unlock(rw)
			})
			wg.Go(fmt.Sprint("reader", i), func() {
				rlock(rw)
				if x, y := a.Load(), b.Load(); x != y {
					panic(fmt.Sprintf("torn read: a = %d, b = %d", x, y))
				}
				if rw.Readers() == 2 {
					overlap.Store(true)
				}
				if readersWrite {
					hits.Store(hits.Load() + 1)
				}
				runlock(rw)
			})
		}
		wg.Wait()
		if a.Peek() != 2 || b.Peek() != 2 {
			panic(fmt.Sprintf("lost write: a = %d, b = %d, want 2", a.Peek(), b.Peek()))
		}
		if readersWrite && hits.Peek() != 2 {
			panic(fmt.Sprintf("lost hit: hits = %d, want 2", hits.Peek()))
		}
	}
}

// The invariant holds under many seeds and every schedule with up to one
// preemptions, and the test can fail: without the lock, with writers that
// take the read lock, or with readers that write, exploration finds the
// broken run.
func TestRWMutex_MutualExclusion(t *testing.T) {
	var (
		rlock   = (*sim.RWMutex).RLock
		runlock = (*sim.RWMutex).RUnlock
		lock    = (*sim.RWMutex).Lock
		unlock  = (*sim.RWMutex).Unlock
		none    = func(*sim.RWMutex) {}
	)
	tests := []struct {
		name                         string
		rlock, runlock, lock, unlock func(*sim.RWMutex)
		readersWrite                 bool
		wantFail                     string // in the failure's message; "" for none
		wantReadersShare             bool
	}{
		{"rwmutex", rlock, runlock, lock, unlock, false, "", true},
		{"write locks only", lock, unlock, lock, unlock, false, "", false},
		{"readers skip the lock", none, none, lock, unlock, false, "torn read", false},
		{"no lock at all", none, none, none, none, false, "panicked", false},
		{"writers take the read lock", rlock, runlock, rlock, runlock, false, "panicked", false},
		{"readers that write", rlock, runlock, lock, unlock, true, "lost hit", false},
	}
	specs := []sim.StrategySpec{mustSpec(t, "portfolio"), sim.DFS(1)}
	for _, tt := range tests {
		for _, spec := range specs {
			t.Run(tt.name+"/"+spec.String(), func(t *testing.T) {
				var overlap atomic.Bool
				root := readersWriters(tt.rlock, tt.runlock, tt.lock, tt.unlock, tt.readersWrite, &overlap)
				res := sim.Explore(root, sim.WithSeeds(0, 1000), sim.WithStrategySpec(spec))
				if tt.wantFail == "" {
					require.Nil(t, res.Failure, "%v", res.Failure)
					if spec.String() == "dfs:1" {
						assert.True(t, res.Complete, "DFS did not finish: %s", res)
					}
					assert.Equal(t, tt.wantReadersShare, overlap.Load(), "two readers held the lock at once")
					return
				}
				require.NotNil(t, res.Failure, "exploration missed the bug: %s", res)
				require.ErrorIs(t, res.Failure, sim.ErrPanic)
				assert.Contains(t, res.Failure.Message, tt.wantFail)
			})
		}
	}
}

// Once a writer waits, new readers wait behind it: TryRLock fails, RLock
// blocks, and the writer gets the lock before the later reader.
func TestRWMutex_WriterPreference(t *testing.T) {
	sim.Check(t, func(s *sim.Sim) {
		rw := sim.NewRWMutex(s)
		var order []string
		wg := sim.NewWaitGroup(s)
		rw.RLock()
		wg.Go("writer", func() {
			rw.Lock()
			order = append(order, "writer")
			rw.Unlock()
		})
		s.Sleep(time.Second) // every other task is blocked: the writer waits for our read lock
		if rw.TryRLock() {
			panic("TryRLock succeeded while a writer waits")
		}
		wg.Go("reader", func() {
			rw.RLock()
			order = append(order, "reader")
			rw.RUnlock()
		})
		s.Sleep(time.Second)
		if len(order) != 0 {
			panic(fmt.Sprintf("%v got the lock while root held a read lock and a writer waited", order))
		}
		order = append(order, "root unlocks")
		rw.RUnlock()
		wg.Wait()
		if want := []string{"root unlocks", "writer", "reader"}; !slices.Equal(order, want) {
			panic(fmt.Sprintf("order %v, want %v", order, want))
		}
	}, sim.WithSeeds(0, 200))
}

// Readers that blocked behind a writer get in when it unlocks, before the
// next writer, whatever the schedule: neither side starves.
func TestRWMutex_BlockedReadersBeforeNextWriter(t *testing.T) {
	sim.Check(t, func(s *sim.Sim) {
		rw := sim.NewRWMutex(s)
		var order []string
		wg := sim.NewWaitGroup(s)
		rw.Lock()
		wg.Go("reader", func() {
			rw.RLock()
			order = append(order, "reader")
			s.Sleep(time.Second) // hold it a while: the second writer must wait
			order = append(order, "reader leaves")
			rw.RUnlock()
		})
		s.Sleep(time.Second)
		wg.Go("writer2", func() {
			rw.Lock()
			order = append(order, "writer2")
			rw.Unlock()
		})
		s.Sleep(time.Second)
		rw.Unlock()
		wg.Wait()
		if want := []string{"reader", "reader leaves", "writer2"}; !slices.Equal(order, want) {
			panic(fmt.Sprintf("order %v, want %v", order, want))
		}
	}, sim.WithSeeds(0, 200))
}

// When two writers wait, which one gets the lock is the scheduler's task
// decision, as with Mutex: both orders occur, and each seed is stable.
func TestRWMutex_WaitingWritersAreADecision(t *testing.T) {
	first := func(seed uint64) string {
		var got string
		_, err := sim.Run(func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.Lock()
			wg := sim.NewWaitGroup(s)
			for _, name := range []string{"w1", "w2"} {
				wg.Go(name, func() {
					rw.Lock()
					if got == "" {
						got = name
					}
					rw.Unlock()
				})
			}
			s.Sleep(time.Second)
			rw.Unlock()
			wg.Wait()
		}, sim.WithStrategy(sim.Random(seed)))
		require.NoError(t, err)
		return got
	}
	seen := map[string]bool{}
	for seed := range uint64(40) {
		got := first(seed)
		assert.Equal(t, got, first(seed), "seed %d", seed)
		seen[got] = true
	}
	assert.Equal(t, map[string]bool{"w1": true, "w2": true}, seen)
}

func TestRWMutex_TryLock(t *testing.T) {
	tests := []struct {
		name          string
		setup         func(s *sim.Sim, rw *sim.RWMutex) (cleanup func())
		wantTryLock   bool
		wantTryRLock  bool
		wantReadersAt int // Readers() after setup
	}{
		{"free", func(*sim.Sim, *sim.RWMutex) func() { return func() {} }, true, true, 0},
		{"read-locked", func(_ *sim.Sim, rw *sim.RWMutex) func() {
			rw.RLock()
			return func() {}
		}, false, true, 1},
		{"read-locked twice", func(s *sim.Sim, rw *sim.RWMutex) func() {
			rw.RLock()
			s.Go("reader", func() { rw.RLock() })
			s.Sleep(time.Second)
			return func() {}
		}, false, true, 2},
		{"write-locked", func(_ *sim.Sim, rw *sim.RWMutex) func() {
			rw.Lock()
			return func() {}
		}, false, false, 0},
		{"a writer waits for a reader", func(s *sim.Sim, rw *sim.RWMutex) func() {
			rw.RLock()
			s.Go("writer", func() { rw.Lock() })
			s.Sleep(time.Second)
			return rw.RUnlock // let the writer in, or it leaks
		}, false, false, 1},
	}
	for _, tt := range tests {
		for _, op := range []string{"TryLock", "TryRLock"} {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				_, err := sim.Run(func(s *sim.Sim) {
					rw := sim.NewRWMutex(s)
					cleanup := tt.setup(s, rw)
					assert.Equal(t, tt.wantReadersAt, rw.Readers())
					locked := rw.Locked()
					if op == "TryLock" {
						got := rw.TryLock()
						assert.Equal(t, tt.wantTryLock, got)
						assert.Equal(t, got || locked, rw.Locked())
					} else {
						got := rw.TryRLock()
						assert.Equal(t, tt.wantTryRLock, got)
						want := tt.wantReadersAt
						if got {
							want++
						}
						assert.Equal(t, want, rw.Readers())
					}
					cleanup()
				}, sim.WithStrategy(sim.Random(3)))
				require.NoError(t, err)
			})
		}
	}
}

// The RLocker's Lock and Unlock are RLock and RUnlock.
func TestRWMutex_RLocker(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		rw := sim.NewRWMutex(s)
		l := rw.RLocker()
		l.Lock()
		l.Lock()
		assert.Equal(t, 2, rw.Readers())
		assert.False(t, rw.TryLock())
		l.Unlock()
		l.Unlock()
		assert.Equal(t, 0, rw.Readers())
		assert.True(t, rw.TryLock())
	})
	require.NoError(t, err)
}

// Misuse panics with a message saying what was wrong, and self-deadlocks
// are reported naming the holders and the waiting writer.
func TestRWMutex_MisuseAndDeadlockReports(t *testing.T) {
	tests := []struct {
		name     string
		root     func(s *sim.Sim)
		wantErr  error
		wantText string
	}{
		{"Unlock of unlocked", func(s *sim.Sim) { sim.NewRWMutex(s).Unlock() },
			sim.ErrPanic, `task 0 "root" panicked: sim: unlock of unlocked rwmutex#1`},
		{"Unlock twice", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.Lock()
			s.Logf("writing")
			rw.Unlock()
			rw.Unlock()
		}, sim.ErrPanic, "sim: unlock of unlocked rwmutex#1"},
		{"Unlock of read-locked", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.RLock()
			rw.Unlock()
		}, sim.ErrPanic, `sim: unlock of unlocked rwmutex#1 (read-locked by task 0 "root": a read lock is released with RUnlock)`},
		{"RUnlock without readers", func(s *sim.Sim) { sim.NewRWMutex(s).RUnlock() },
			sim.ErrPanic, "sim: runlock of rwmutex#1 without readers"},
		{"RUnlock twice", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.RLock()
			s.Logf("reading")
			rw.RUnlock()
			rw.RLocker().Unlock()
		}, sim.ErrPanic, "sim: runlock of rwmutex#1 without readers"},
		{"RUnlock of write-locked", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.Lock()
			rw.RUnlock()
		}, sim.ErrPanic, `sim: runlock of rwmutex#1 without readers (write-locked by task 0 "root": a write lock is released with Unlock)`},
		{"Lock twice", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.Lock()
			rw.Lock()
		}, sim.ErrDeadlock, `task 0 "root" waits in lock rwmutex#1 (write-locked by task 0 "root")`},
		{"RLock while write-locked", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.Lock()
			rw.RLock()
		}, sim.ErrDeadlock, `task 0 "root" waits in rlock rwmutex#1 (write-locked by task 0 "root")`},
		{"Lock while read-locked", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.RLock()
			rw.Lock()
		}, sim.ErrDeadlock, `task 0 "root" waits in lock rwmutex#1 (read-locked by task 0 "root"; task 0 "root" waits to write, blocking new readers)`},
		{"recursive RLock behind a waiting writer", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.RLock()
			s.Go("writer", func() { rw.Lock() })
			s.Sleep(time.Second)
			rw.RLock()
		}, sim.ErrDeadlock, `no task can run and no timer is pending: ` +
			`task 0 "root" waits in rlock rwmutex#1 (read-locked by task 0 "root"; task 1 "writer" waits to write, blocking new readers), ` +
			`task 1 "writer" waits in lock rwmutex#1 (read-locked by task 0 "root"; task 1 "writer" waits to write, blocking new readers)`},
		{"readers counted per lock", func(s *sim.Sim) {
			rw := sim.NewRWMutex(s)
			rw.RLock()
			rw.RLock()
			s.Go("reader", func() { rw.RLock() })
			s.Sleep(time.Second)
			rw.Lock()
		}, sim.ErrDeadlock, `rwmutex#1 (read-locked by task 0 "root" (2 times), task 1 "reader"; task 0 "root" waits to write`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sim.Run(tt.root, sim.WithStrategy(sim.Random(1)))
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantText)
		})
	}
}

// Every operation records what Mutex's do: the block, then "locked" or
// "rlocked" once the lock is taken, and "unlock"/"runlock".
func TestRWMutex_Trace(t *testing.T) {
	res, err := sim.Run(func(s *sim.Sim) {
		rw := sim.NewRWMutex(s)
		rw.Lock()
		s.Go("reader", func() {
			rw.RLock()
			s.Logf("reading")
			rw.RUnlock()
		})
		s.Sleep(time.Second)
		rw.Unlock()
	}, sim.WithStrategy(sim.Random(1)))
	require.NoError(t, err)
	var got []string
	for _, e := range res.Trace.Events() {
		if e.On == "rwmutex#1" {
			got = append(got, fmt.Sprintf("%d %s %s", e.Task, e.Kind, e.Text))
		}
	}
	assert.Equal(t, []string{"0 op locked", "1 block rlock", "0 op unlock", "1 op rlocked", "1 op runlock"}, got)
}
