package env

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// simEnv runs a scenario on sim tasks.
type simEnv struct {
	s    *sim.Sim
	p    Platform
	tr   opentracing.Tracer
	rec  check.Recorder
	all  *sim.WaitGroup // every task spawned through Go
	left *leftScopes

	// ctx is the stack context (opened by StackContext) the current task
	// runs in, or nil: inherited, as the manager's context is, by the
	// tasks spawned in it.
	ctx     *sim.Local[*openContext]
	nextCtx int // numbers the contexts StackContext opens
}

var _ Env = (*simEnv)(nil)

// newSimEnv makes the env of one sim run; trace says whether the run
// records a trace (the spans are then drawn into it).
func newSimEnv(s *sim.Sim, p Platform, cfg Config, trace bool) *simEnv {
	e := &simEnv{
		s:    s,
		p:    p,
		all:  sim.NewWaitGroup(s),
		left: &leftScopes{},
		ctx:  sim.NewLocal[*openContext](true),
	}
	e.tr, e.rec = newTracer(cfg, TracerConfig{ScopeManager: p.Manager(s), Now: s.Now, Sim: s, trace: trace})
	return e
}

func (e *simEnv) Platform() Platform              { return e.p }
func (e *simEnv) Tracer() opentracing.Tracer      { return e.tr }
func (e *simEnv) Recorder() check.Recorder        { return e.rec }
func (e *simEnv) Sleep(d time.Duration)           { e.s.Sleep(d) }
func (e *simEnv) Now() time.Time                  { return e.s.Now() }
func (e *simEnv) Yield()                          { e.s.Yield() }
func (e *simEnv) NewMutex() sync.Locker           { return sim.NewMutex(e.s) }
func (e *simEnv) NewWaitGroup() WaitGroup         { return sim.NewWaitGroup(e.s) }
func (e *simEnv) Wait()                           { e.all.Wait() }
func (e *simEnv) Logf(format string, args ...any) { e.s.Logf(format, args...) }
func (e *simEnv) String() string                  { return fmt.Sprintf("sim env (%s)", e.p.Name) }
func (e *simEnv) sim() *sim.Sim                   { return e.s }

func (e *simEnv) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return e.s.WithTimeout(parent, d)
}

func (e *simEnv) WithCancel(parent context.Context) (context.Context, context.CancelFunc) {
	return e.s.WithCancel(parent)
}

func (e *simEnv) Go(name string, f func()) *Task {
	t := &Task{name: name, done: NewFuture[struct{}](e)}
	e.all.Add(1)
	c := e.ctx.Get(e.s) // the spawner's context: the task shares it
	c.enter()
	e.s.Go(name, func() {
		defer e.all.Done()
		guarded(e.p, e.tr, e.left, name, f)
		c.leave(e.tr, e.left)
		t.done.Resolve(struct{}{})
	})
	return t
}

// StackContext opens a fresh context on a Shared-platform manager that is
// a ContextRunner (see there); on any other platform or manager it just
// calls f, even if the manager has a Run method (an inheriting manager with
// a contextvars-style Context.run, say), since contexts and the check below
// belong to the Shared rule. The context ends when f has returned and every
// task spawned in it has ended; then nothing may be active in it (see
// openContext).
func (e *simEnv) StackContext(f func()) {
	r, ok := e.tr.ScopeManager().(ContextRunner)
	if !ok || e.p.Propagation != Shared {
		f()
		return
	}
	e.nextCtx++
	c := &openContext{id: e.nextCtx, opener: e.s.Current().Name()}
	r.Run(func() {
		prev, had := e.ctx.Lookup(e.s)
		e.ctx.Set(e.s, c)
		c.enter()
		f()
		if had {
			e.ctx.Set(e.s, prev)
		} else {
			e.ctx.Delete(e.s)
		}
		c.leave(e.tr, e.left) // still in the manager's context
	})
}

// ContextRunner is implemented by a scope manager that can run a function in
// a fresh stack context of its own: the Go form of Tornado's
// "with tracer_stack_context(): f()". [scope.StackContext] implements it.
//
// Env.StackContext opens the context through this method, so a manager for
// the Shared propagation rule should implement it: on one that does not,
// Env.StackContext just calls f, and every task of the run shares one
// context (and one stack of scopes), which scenarios whose tasks activate
// spans concurrently fail with scopes closed out of order or left active.
type ContextRunner interface {
	// Run runs f in a fresh context, in the calling task. Tasks started by
	// f share that context; the caller's previous context is restored
	// when f returns.
	Run(f func())
}

var _ ContextRunner = (*scope.StackContext)(nil)
