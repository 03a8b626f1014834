package nestedcallbacks_test

import (
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
)

// asyncio is just enough of Python's asyncio, on sim, to port the
// contextvars scheduling tests: one event loop (a sim.Loop) that runs
// callbacks one at a time in the order they were queued, and Tasks whose
// steps run on that loop, so that, as in asyncio, only one piece of code runs
// at a time and everything interleaves at awaits. The tracer uses
// scope.Inheriting, the ContextVarsScopeManager: a callback runs with the
// active scope copied when it was scheduled, a Task with the one copied when
// it was created.
type asyncio struct {
	s    *sim.Sim
	loop *sim.Loop
	tr   *mocktracer.MockTracer
	// live counts the tasks created and not yet returned. Only one sim
	// task runs at a time, so it needs no lock.
	live int
}

func newAsyncio(s *sim.Sim) *asyncio {
	tr := mocktracer.New(mocktracer.WithScopeManager(scope.NewInheriting(s)), mocktracer.WithClock(s.Now))
	return &asyncio{s: s, loop: sim.NewLoop(s, "loop"), tr: tr}
}

// callSoon is loop.call_soon(f): f runs on the loop after the callbacks
// already queued, with the active scope of the caller, copied now.
func (a *asyncio) callSoon(f func()) { a.loop.CallSoon(f) }

// callLater is loop.call_later(d, f).
func (a *asyncio) callLater(d time.Duration, f func()) { a.loop.CallLater(d, f) }

// task is a running asyncio Task: a sim task that runs only while the loop
// hands it control (step), and hands it back at each await (sleep) and at
// its end.
type task struct {
	a      *asyncio
	resume *sim.Chan[struct{}]
	yield  *sim.Chan[struct{}]
}

// createTask is loop.create_task(f(...)). The CallSoon copies the caller's
// active scope now; the sim task spawned in that callback inherits it, and
// its first step runs on the loop's next turn, not before the caller's
// current step ends.
func (a *asyncio) createTask(name string, f func(t *task)) {
	a.live++
	a.loop.CallSoon(func() {
		t := &task{a: a, resume: sim.NewChan[struct{}](a.s, 0), yield: sim.NewChan[struct{}](a.s, 0)}
		a.s.Go(name, func() {
			t.resume.Recv()
			f(t)
			a.live--
			t.yield.Send(struct{}{})
		})
		t.step()
	})
}

// step runs the task until its next await or its end; the loop waits.
func (t *task) step() {
	t.resume.Send(struct{}{})
	t.yield.Recv()
}

// sleep is await asyncio.sleep(d): the task's next step is queued after d
// and the loop goes on with other callbacks meanwhile.
func (t *task) sleep(d time.Duration) {
	t.a.loop.CallLater(d, t.step)
	t.yield.Send(struct{}{})
	t.resume.Recv()
}

// awaitUntil is the original's stop_loop_when: it polls cond every 10 ms
// of virtual time, for at most 5 s, then stops the loop and waits for it to
// exit. It never fails by itself: the assertions that follow do. Unlike the
// original it also waits for every task created to return, so that no task
// is left blocked when the simulation ends (sim reports that as a leak):
// the recursive test with IgnoreActiveSpan creates a fifth task that opens
// no span and would still be asleep when the fourth span finishes.
func (a *asyncio) awaitUntil(cond func() bool) {
	for deadline := a.s.Now().Add(5 * time.Second); (!cond() || a.live > 0) && a.s.Now().Before(deadline); {
		a.s.Sleep(10 * time.Millisecond)
	}
	a.loop.Stop()
	a.loop.Wait()
}

// finished reports whether n spans have finished.
func (a *asyncio) finished(n int) func() bool {
	return func() bool { return len(a.tr.FinishedSpans()) >= n }
}

// noParentScope runs f with nothing active: the Go form of contextvars'
// no_parent_scope(). opentracing.ScopeManager has no "clear" operation, so
// it activates a nil span, a scope that stands for "no active span":
// tr.ActiveSpan() is nil inside f, a span started inside f has no implicit
// parent (NewStartSpanOptions skips a scope without a span), and tasks and
// callbacks scheduled inside f copy that empty scope, so their spans are
// roots too. Closing it puts back the scope active before, as no_parent_scope
// resets the context variable on exit. The alternative, passing
// opentracing.IgnoreActiveSpan() to each child's StartSpan, needs the child's
// cooperation; this needs only the scheduler's.
func noParentScope(tr opentracing.Tracer, f func()) {
	sc := tr.ScopeManager().Activate(nil, false)
	defer sc.Close()
	f()
}
