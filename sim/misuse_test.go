package sim_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// objects are one of every primitive, made by a task, for the misuse table.
type objects struct {
	s  *sim.Sim
	ch *sim.Chan[int]
	v  *sim.Var[int]
	mu *sim.Mutex
	rw *sim.RWMutex
	// held by the root while the misuse happens: a call that changed
	// them before it panicked leaves the root's own release to fail.
	muHeld          *sim.Mutex
	rwWrite, rwRead *sim.RWMutex
	cond            *sim.Cond
	wg              *sim.WaitGroup
	fut             *sim.Future[int]
	loop            *sim.Loop
	timer           *sim.Timer
	task            *sim.Task
	local           *sim.Local[int]
	cancel          context.CancelFunc
	ctx             context.Context // a sim context
}

// misuseCalls calls every exported primitive of sim once.
var misuseCalls = []struct {
	name string
	call func(o *objects)
}{
	{"Sim.Go", func(o *objects) { o.s.Go("x", func() {}) }},
	{"Sim.Yield", func(o *objects) { o.s.Yield() }},
	{"Sim.Sleep", func(o *objects) { o.s.Sleep(time.Second) }},
	{"Sim.Now", func(o *objects) { o.s.Now() }},
	{"Sim.Since", func(o *objects) { o.s.Since(time.Time{}) }},
	{"Sim.Elapsed", func(o *objects) { o.s.Elapsed() }},
	{"Sim.Steps", func(o *objects) { o.s.Steps() }},
	{"Sim.Intn", func(o *objects) { o.s.Intn(3) }},
	{"Sim.Current", func(o *objects) { o.s.Current() }},
	{"Sim.Logf", func(o *objects) { o.s.Logf("x") }},
	{"Sim.Annotate", func(o *objects) { o.s.Annotate("x") }},
	{"Sim.Begin", func(o *objects) { o.s.Begin(1, "x") }},
	{"Sim.End", func(o *objects) { o.s.End(1) }},
	{"Sim.NewTimer", func(o *objects) { o.s.NewTimer(time.Second) }},
	{"Sim.After", func(o *objects) { o.s.After(time.Second) }},
	{"Sim.AfterFunc", func(o *objects) { o.s.AfterFunc(time.Second, func() {}) }},
	{"Sim.WithCancel", func(o *objects) { o.s.WithCancel(context.Background()) }},
	{"Sim.WithTimeout", func(o *objects) { o.s.WithTimeout(context.Background(), time.Second) }},
	{"Sim.WithDeadline", func(o *objects) { o.s.WithDeadline(context.Background(), time.Time{}) }},
	{"Sim.WaitDone", func(o *objects) { _ = o.s.WaitDone(context.Background()) }},
	{"Sim.Select", func(o *objects) { o.s.Select(sim.OnDefault(nil)) }},
	{"CancelFunc", func(o *objects) { o.cancel() }},
	{"context.WithCancel of a sim context", func(o *objects) { _, cancel := context.WithCancel(o.ctx); cancel() }},
	{"context.AfterFunc of a sim context", func(o *objects) { context.AfterFunc(o.ctx, func() {}) }},
	{"Timer.Stop", func(o *objects) { o.timer.Stop() }},
	{"Timer.Reset", func(o *objects) { o.timer.Reset(time.Second) }},
	{"NewChan", func(o *objects) { sim.NewChan[int](o.s, 1) }},
	{"Chan.Send", func(o *objects) { o.ch.Send(1) }},
	{"Chan.Recv", func(o *objects) { o.ch.Recv() }},
	{"Chan.Close", func(o *objects) { o.ch.Close() }},
	{"Chan.Len", func(o *objects) { o.ch.Len() }},
	{"NewVar", func(o *objects) { sim.NewVar(o.s, 0) }},
	{"Var.Load", func(o *objects) { o.v.Load() }},
	{"Var.Store", func(o *objects) { o.v.Store(1) }},
	{"Var.Peek", func(o *objects) { o.v.Peek() }},
	{"Var.Swap", func(o *objects) { o.v.Swap(1) }},
	{"Var.Update", func(o *objects) { o.v.Update(func(x int) int { return x + 1 }) }},
	{"NewMutex", func(o *objects) { sim.NewMutex(o.s) }},
	{"Mutex.Lock", func(o *objects) { o.mu.Lock() }},
	{"Mutex.Unlock", func(o *objects) { o.mu.Unlock() }},
	{"Mutex.Locked", func(o *objects) { o.mu.Locked() }},
	{"Mutex.TryLock", func(o *objects) { o.mu.TryLock() }},
	{"Mutex.Unlock/held", func(o *objects) { o.muHeld.Unlock() }},
	{"NewRWMutex", func(o *objects) { sim.NewRWMutex(o.s) }},
	{"RWMutex.Lock", func(o *objects) { o.rw.Lock() }},
	{"RWMutex.TryLock", func(o *objects) { o.rw.TryLock() }},
	{"RWMutex.Unlock", func(o *objects) { o.rw.Unlock() }},
	{"RWMutex.Unlock/held", func(o *objects) { o.rwWrite.Unlock() }},
	{"RWMutex.RLock", func(o *objects) { o.rw.RLock() }},
	{"RWMutex.TryRLock", func(o *objects) { o.rw.TryRLock() }},
	{"RWMutex.RUnlock", func(o *objects) { o.rw.RUnlock() }},
	{"RWMutex.RUnlock/held", func(o *objects) { o.rwRead.RUnlock() }},
	{"RWMutex.RLocker", func(o *objects) { o.rw.RLocker().Lock() }},
	{"RWMutex.Locked", func(o *objects) { o.rw.Locked() }},
	{"RWMutex.Readers", func(o *objects) { o.rw.Readers() }},
	{"NewCond", func(o *objects) { sim.NewCond(o.s, o.mu) }},
	{"Cond.Signal", func(o *objects) { o.cond.Signal() }},
	{"Cond.Broadcast", func(o *objects) { o.cond.Broadcast() }},
	{"Cond.Wait", func(o *objects) { o.cond.Wait() }},
	{"NewWaitGroup", func(o *objects) { sim.NewWaitGroup(o.s) }},
	{"WaitGroup.Add", func(o *objects) { o.wg.Add(1) }},
	{"WaitGroup.Done", func(o *objects) { o.wg.Done() }},
	{"WaitGroup.Wait", func(o *objects) { o.wg.Wait() }},
	{"WaitGroup.Go", func(o *objects) { o.wg.Go("x", func() {}) }},
	{"NewFuture", func(o *objects) { sim.NewFuture[int](o.s) }},
	{"Future.Resolve", func(o *objects) { o.fut.Resolve(1) }},
	{"Future.Get", func(o *objects) { o.fut.Get() }},
	{"Future.Done", func(o *objects) { o.fut.Done() }},
	{"Future.Then", func(o *objects) { o.fut.Then(func(int) {}) }},
	{"NewLoop", func(o *objects) { sim.NewLoop(o.s, "x") }},
	{"Loop.CallSoon", func(o *objects) { o.loop.CallSoon(func() {}) }},
	{"Loop.CallLater", func(o *objects) { o.loop.CallLater(time.Second, func() {}) }},
	{"Loop.Stop", func(o *objects) { o.loop.Stop() }},
	{"Loop.Wait", func(o *objects) { o.loop.Wait() }},
	{"Local.Get", func(o *objects) { o.local.Get(o.s) }},
	{"Local.Set", func(o *objects) { o.local.Set(o.s, 1) }},
	{"Local.Lookup", func(o *objects) { o.local.Lookup(o.s) }},
	{"Local.Delete", func(o *objects) { o.local.Delete(o.s) }},
	{"Task.Done", func(o *objects) { o.task.Done() }},
	{"Task.Wait", func(o *objects) { o.task.Wait() }},
}

// Every primitive called from a goroutine that is not a task (a go
// statement inside a task, or any goroutine after Run returned) panics
// with the same message, and before it changes anything: the run it
// belongs to still ends cleanly.
func TestMisuse_EveryPrimitiveFromANonTask(t *testing.T) {
	for _, tc := range misuseCalls {
		t.Run(tc.name, func(t *testing.T) {
			var inside, after any
			var o objects
			run := func(call func(o *objects)) (*sim.Result, error) {
				return sim.Run(func(s *sim.Sim) {
					o = newObjects(s)
					done := make(chan struct{})
					go func() { // a bare go statement: not a task
						defer close(done)
						defer func() { inside = recover() }()
						call(&o)
					}()
					<-done
					o.loop.Stop()
					o.muHeld.Unlock()
					o.rwWrite.Unlock()
					o.rwRead.RUnlock()
				})
			}
			control, err := run(func(*objects) {})
			require.NoError(t, err)
			res, err := run(tc.call)
			require.NoError(t, err)
			assert.Equal(t, control.Trace.String(), res.Trace.String(), "the misuse changed the run's trace")
			func() {
				defer func() { after = recover() }()
				tc.call(&o) // after Run returned, from the test's goroutine
			}()
			for _, got := range []any{inside, after} {
				require.NotNil(t, got, "%s from a non-task did not panic", tc.name)
				msg := fmt.Sprint(got)
				assert.True(t, strings.HasPrefix(msg, "sim: "), msg)
				assert.Contains(t, msg, " called from a goroutine that is not a task of the simulation (a go statement in a task, or a call after Run returned? start tasks with Sim.Go)")
			}
		})
	}
}

func newObjects(s *sim.Sim) objects {
	o := objects{s: s}
	o.ch = sim.NewChan[int](s, 1)
	o.v = sim.NewVar(s, 0)
	o.mu = sim.NewMutex(s)
	o.rw = sim.NewRWMutex(s)
	o.muHeld, o.rwWrite, o.rwRead = sim.NewMutex(s), sim.NewRWMutex(s), sim.NewRWMutex(s)
	o.muHeld.Lock()
	o.rwWrite.Lock()
	o.rwRead.RLock()
	o.cond = sim.NewCond(s, o.mu)
	o.wg = sim.NewWaitGroup(s)
	o.fut = sim.NewFuture[int](s)
	o.loop = sim.NewLoop(s, "loop")
	o.timer = s.NewTimer(time.Hour)
	o.task = s.Go("task", func() {})
	o.local = sim.NewLocal[int](false)
	_, o.cancel = s.WithCancel(context.Background())
	o.ctx, _ = s.WithCancel(context.Background())
	return o
}
