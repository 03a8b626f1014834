package promisepropagation

import (
	"context"
	"errors"
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/env"
)

// ErrNoActiveSpan is returned by NewPromise when there is no span to
// capture: nothing active and none in the context.
var ErrNoActiveSpan = errors.New("promisepropagation: no active span to capture when making the promise")

// The phases of a PromiseContext's Phaser.
const (
	// PhaseResult is reached when every submitted callback has returned
	// (Java's "result set").
	PhaseResult = iota
	// PhaseReported is reached when every callback's span is finished
	// (Java's "trace reported").
	PhaseReported
	phases
)

// Phaser is a barrier with a fixed number of phases, in the spirit of
// java.util.concurrent.Phaser, built from one wait group per phase: each
// registered party arrives once at each phase, and Await(phase) waits for
// all of them. Register every party before anyone awaits.
type Phaser struct {
	phases []env.WaitGroup
}

// NewPhaser makes a phaser with n phases on e.
func NewPhaser(e env.Env, n int) *Phaser {
	p := &Phaser{phases: make([]env.WaitGroup, n)}
	for i := range p.phases {
		p.phases[i] = e.NewWaitGroup()
	}
	return p
}

// Register adds a party that will arrive at every phase.
func (p *Phaser) Register() {
	for _, wg := range p.phases {
		wg.Add(1)
	}
}

// Arrive records that one party reached phase.
func (p *Phaser) Arrive(phase int) { p.phases[phase].Done() }

// Await waits until every registered party arrived at phase.
func (p *Phaser) Await(phase int) { p.phases[phase].Wait() }

// PromiseContext runs the callbacks of promises, each in a task of its own,
// and tracks them with a two-phase Phaser (Java's PromiseContext over a
// thread pool).
type PromiseContext struct {
	// Env is the runtime the callbacks' tasks run on.
	Env env.Env
	// Phaser tracks the callbacks: each submitted callback is a party
	// that arrives at PhaseResult and then at PhaseReported.
	Phaser *Phaser
}

// NewPromiseContext makes a promise context on e.
func NewPromiseContext(e env.Env) *PromiseContext {
	return &PromiseContext{Env: e, Phaser: NewPhaser(e, phases)}
}

// submit registers one party and runs f in a new task.
func (pc *PromiseContext) submit(name string, f func()) {
	pc.Phaser.Register()
	pc.Env.Go(name, f)
}

// Promise is a value of type T, or an error, delivered later to callbacks.
// It captures the span active when it is made; each callback runs in a span
// that follows from it.
type Promise[T any] struct {
	pc        *PromiseContext
	tracer    opentracing.Tracer
	parent    opentracing.SpanContext
	onSuccess []func(ctx context.Context, v T)
	onError   []func(ctx context.Context, err error)

	// sharedContext is set only by the broken variant sharedcontext: the
	// callbacks do not get a stack context of their own.
	sharedContext bool
}

// NewPromise makes a promise whose callbacks run on pc. It captures the
// span in ctx, or else the tracer's active span, and returns
// ErrNoActiveSpan if there is neither.
func NewPromise[T any](ctx context.Context, pc *PromiseContext, tracer opentracing.Tracer) (*Promise[T], error) {
	parent := opentracing.SpanFromContext(ctx)
	if parent == nil {
		parent = tracer.ActiveSpan()
	}
	if parent == nil {
		return nil, ErrNoActiveSpan
	}
	return &Promise[T]{pc: pc, tracer: tracer, parent: parent.Context()}, nil
}

// OnSuccess adds a callback run by Success. Add callbacks before resolving.
func (p *Promise[T]) OnSuccess(cb func(ctx context.Context, v T)) {
	p.onSuccess = append(p.onSuccess, cb)
}

// OnError adds a callback run by Error. Add callbacks before resolving.
func (p *Promise[T]) OnError(cb func(ctx context.Context, err error)) {
	p.onError = append(p.onError, cb)
}

// Success resolves the promise with v: each success callback runs in a new
// task, in a span "success" that follows from the captured span.
func (p *Promise[T]) Success(v T) {
	for i, cb := range p.onSuccess {
		p.pc.submit(fmt.Sprintf("success %d", i+1), p.callback("success", func(ctx context.Context) { cb(ctx, v) }))
	}
}

// Error rejects the promise with err: each error callback runs in a new
// task, in a span "error" that follows from the captured span.
func (p *Promise[T]) Error(err error) {
	for i, cb := range p.onError {
		p.pc.submit(fmt.Sprintf("error %d", i+1), p.callback("error", func(ctx context.Context) { cb(ctx, err) }))
	}
}

// callback returns the task that runs cb: in a span named and tagged op,
// activated (and carried in cb's context) while cb runs, finished after.
func (p *Promise[T]) callback(op string, cb func(ctx context.Context)) func() {
	return func() {
		body := func() {
			span := p.tracer.StartSpan(op,
				opentracing.FollowsFrom(p.parent),
				opentracing.Tag{Key: string(ext.Component), Value: op})
			sc := p.tracer.ScopeManager().Activate(span, false)
			cb(opentracing.ContextWithSpan(context.Background(), span))
			sc.Close()
			p.pc.Phaser.Arrive(PhaseResult)
			span.Finish()
			p.pc.Phaser.Arrive(PhaseReported)
		}
		if p.sharedContext {
			body()
			return
		}
		// On stackcontext the callbacks run concurrently: each needs a
		// context of its own (Tornado's multiple-yield limitation).
		p.pc.Env.StackContext(body)
	}
}
