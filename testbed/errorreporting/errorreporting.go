package errorreporting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// The errors the scenario's code fails with.
var (
	// ErrInvalidState is what the simple case returns.
	ErrInvalidState = errors.New("invalid state")
	// ErrUnavailable is what every attempt of the retried call gets.
	ErrUnavailable = errors.New("service unavailable")
	// ErrGaveUp is what the retried call returns once out of attempts.
	ErrGaveUp = errors.New("gave up")
	// ErrWork is what the work under the instrumentation layer returns.
	ErrWork = errors.New("work failed")
)

// MaxAttempts is how often the retried call is tried.
const MaxAttempts = 2

// CallbackWork and Backoff are the virtual times the callback works before
// it panics and the retried call waits between attempts: they let the
// cases overlap.
const (
	CallbackWork = 10 * time.Millisecond
	Backoff      = 5 * time.Millisecond
)

// bugs are the deliberate mistakes of the broken variants.
type bugs struct {
	// earlyDefer: the simple case defers ext.LogError(span, err), which
	// evaluates err at the defer statement, while it is still nil.
	earlyDefer bool
}

// cases holds what the four cases share: the env and, on the ctx
// platform, the context each starts its span from.
type cases struct {
	e  env.Env
	tr opentracing.Tracer
	b  bugs
}

// isCtx reports whether spans travel in contexts.
func (c *cases) isCtx() bool { return c.e.Platform().Propagation == env.Context }

// start starts an active span named op and returns its scope and span;
// on the ctx platform it starts the span in a context derived from ctx
// instead, and returns that context and a nil scope. The caller defers
// ext.Close of the scope or ext.Finish of the span itself: to recover a
// panic, the deferred call must be the hook's own.
func (c *cases) start(ctx context.Context, op string, opts ...opentracing.StartSpanOption) (context.Context, opentracing.Scope, opentracing.Span) {
	if c.isCtx() {
		sp, ctx := opentracing.StartSpanFromContextWithTracer(ctx, c.tr, op, opts...)
		return ctx, nil, sp
	}
	sc := c.tr.StartActiveSpan(op, opts...)
	return ctx, sc, sc.Span()
}

// simple is Java's testSimpleError: a function fails with an error from
// inside its active span.
func (c *cases) simple(ctx context.Context) (err error) {
	_, sc, sp := c.start(ctx, "simple")
	switch {
	case c.b.earlyDefer:
		// The bug: the arguments of a deferred call are evaluated at the
		// defer statement, when err is still nil.
		if sc != nil {
			defer sc.Close()
		} else {
			defer sp.Finish()
		}
		defer ext.LogError(sp, err)
	case sc != nil:
		defer ext.Close(sc, &err)
	default:
		defer ext.Finish(sp, &err)
	}
	return ErrInvalidState
}

// callback is Java's testCallbackError: a callback panics inside its
// span, here with an index out of range.
func (c *cases) callback(ctx context.Context, items []string, i int) (item string, err error) {
	_, sc, sp := c.start(ctx, "callback")
	if sc != nil {
		defer ext.Close(sc, &err)
	} else {
		defer ext.Finish(sp, &err)
	}
	c.e.Sleep(CallbackWork)
	return items[i], nil
}

// attempt is one attempt of the retried call, in a child span of its own.
func (c *cases) attempt(ctx context.Context, n int) (err error) {
	_, sc, sp := c.start(ctx, "attempt", opentracing.Tag{Key: "attempt", Value: n})
	if sc != nil {
		defer ext.Close(sc, &err)
	} else {
		defer ext.Finish(sp, &err)
	}
	c.e.Sleep(Backoff)
	return ErrUnavailable
}

// retry is Java's testErrorRecovery: a call retried MaxAttempts times,
// each attempt recorded in its span, the give-up in the call's.
func (c *cases) retry(ctx context.Context) (err error) {
	ctx, sc, sp := c.start(ctx, "retry")
	if sc != nil {
		defer ext.Close(sc, &err)
	} else {
		defer ext.Finish(sp, &err)
	}
	var last error
	for n := 1; n <= MaxAttempts; n++ {
		if last = c.attempt(ctx, n); last == nil {
			return nil
		}
	}
	return fmt.Errorf("%w after %d attempts: %w", ErrGaveUp, MaxAttempts, last)
}

// Instrument is Java's ScopedRunnable, an instrumentation layer: it
// captures the span current where the work is submitted (the active span,
// or the context's), and runs the work in that span on whatever task runs
// the returned function, recording the error the work returns and
// finishing the span.
func Instrument(e env.Env, ctx context.Context, work func(context.Context) error) func() error {
	tr := e.Tracer()
	var captured opentracing.Span
	if e.Platform().Propagation == env.Context {
		captured = opentracing.SpanFromContext(ctx)
	} else {
		captured = tr.ActiveSpan()
	}
	return func() (err error) {
		if captured == nil {
			return errors.New("layer: no span was current where the work was submitted")
		}
		if e.Platform().Propagation == env.Context {
			defer ext.Finish(captured, &err)
			return work(opentracing.ContextWithSpan(context.Background(), captured))
		}
		defer ext.Close(tr.ScopeManager().Activate(captured, true), &err)
		return work(context.Background())
	}
}

// outcome is what a task's runner got: the task's error, or the value it
// panicked with.
type outcome struct {
	err       error
	recovered any
}

// goRecovering runs f on a task whose runner recovers a panic, as an
// executor's future does (Java's ExecutionException).
func goRecovering(e env.Env, name string, f func() error) *env.Future[outcome] {
	done := env.NewFuture[outcome](e)
	e.Go(name, func() {
		var out outcome
		defer func() {
			out.recovered = recover()
			done.Resolve(out)
		}()
		e.StackContext(func() { out.err = f() })
	})
	return done
}

// run runs the four cases: the callback on a task of its own, the simple
// case and the retried call on the root meanwhile, then the layer's work
// submitted from inside the span "layer" and run on another task.
func run(e env.Env, b bugs) error {
	c := &cases{e: e, tr: e.Tracer(), b: b}
	ctx := context.Background()
	items := []string{"a", "b", "c"}
	cb := goRecovering(e, "callback", func() error {
		_, err := c.callback(ctx, items, len(items))
		return err
	})

	var errs []error
	e.StackContext(func() {
		if err := c.simple(ctx); !errors.Is(err, ErrInvalidState) {
			errs = append(errs, fmt.Errorf("simple: returned %v, want %v", err, ErrInvalidState))
		}
		if err := c.retry(ctx); !errors.Is(err, ErrGaveUp) || !errors.Is(err, ErrUnavailable) {
			errs = append(errs, fmt.Errorf("retry: returned %v, want %v wrapping %v", err, ErrGaveUp, ErrUnavailable))
		}
	})

	var layered func() error
	e.StackContext(func() {
		if c.isCtx() {
			sp := c.tr.StartSpan("layer")
			layered = Instrument(e, opentracing.ContextWithSpan(ctx, sp), func(context.Context) error { return ErrWork })
			return
		}
		sc := c.tr.ScopeManager().Activate(c.tr.StartSpan("layer"), false)
		layered = Instrument(e, ctx, func(context.Context) error { return ErrWork })
		sc.Close()
	})
	lay := goRecovering(e, "layer", layered)

	if out := cb.Get(); out.err != nil || !isIndexError(out.recovered, len(items)) {
		errs = append(errs, fmt.Errorf("callback: the runner got error %v and panic %v, want the index-out-of-range panic", out.err, out.recovered))
	}
	if out := lay.Get(); !errors.Is(out.err, ErrWork) || out.recovered != nil {
		errs = append(errs, fmt.Errorf("layer: the runner got error %v and panic %v, want %v", out.err, out.recovered, ErrWork))
	}
	return errors.Join(errs...)
}

// indexMessage is the runtime's message for items[n] of an n-item slice.
func indexMessage(n int) string {
	return fmt.Sprintf("runtime error: index out of range [%d] with length %d", n, n)
}

// isIndexError reports whether v is the runtime's panic for index n of an
// n-item slice.
func isIndexError(v any, n int) bool {
	err, ok := v.(error)
	return ok && err.Error() == indexMessage(n)
}

// checkSpans asserts each case's spans: the failure recorded with the
// hook's five fields, and where each span hangs.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	errs := []error{check.Count(spans, 4+MaxAttempts)}
	one := func(name string) *mocktracer.SpanRecord {
		s, err := check.OneByName(spans, name)
		errs = append(errs, err)
		return s
	}
	kind := fmt.Sprintf("%T", ErrInvalidState)
	if s := one("simple"); s != nil {
		errs = append(errs, check.NoParent(s), check.ErrorRecorded(s, check.ErrorLog{Message: ErrInvalidState.Error(), Kind: kind, Stack: true}))
	}
	if s := one("callback"); s != nil {
		errs = append(errs, check.NoParent(s), check.ErrorRecorded(s, check.ErrorLog{Message: indexMessage(3), Kind: "runtime.boundsError", Stack: true}))
	}
	if s := one("retry"); s != nil {
		msg := fmt.Sprintf("%v after %d attempts: %v", ErrGaveUp, MaxAttempts, ErrUnavailable)
		errs = append(errs, check.NoParent(s), check.ErrorRecorded(s, check.ErrorLog{Message: msg, Kind: "*fmt.wrapErrors", Stack: true}))
		attempts := check.ByName(spans, "attempt")
		if len(attempts) != MaxAttempts {
			errs = append(errs, fmt.Errorf("%w: %d attempt spans, want %d", check.ErrCheck, len(attempts), MaxAttempts))
		}
		for i, a := range attempts {
			if got := fmt.Sprint(a.Tags["attempt"]); got != fmt.Sprint(i+1) {
				errs = append(errs, fmt.Errorf("%w: attempt span %d has tag attempt=%s", check.ErrCheck, i+1, got))
			}
			errs = append(errs, check.ChildOf(a, s), check.FinishedBefore(spans, a, s),
				check.ErrorRecorded(a, check.ErrorLog{Message: ErrUnavailable.Error(), Kind: kind, Stack: true}))
		}
	}
	if s := one("layer"); s != nil {
		errs = append(errs, check.NoParent(s), check.ErrorRecorded(s, check.ErrorLog{Message: ErrWork.Error(), Kind: kind, Stack: true}))
	}
	return errors.Join(errs...)
}

// Scenario is the error-reporting scenario, registered in package testbed.
var Scenario = env.Scenario{
	Name:      "errorreporting",
	Summary:   "failures recorded on their spans (error tag, Python's five log fields): a returned error, a panic on another task, retries, an instrumentation layer",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, bugs{}) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     "earlydefer",
			Summary:  "the simple case defers ext.LogError(span, err): a deferred call's arguments are evaluated at the defer statement, while err is still nil, so the error is never recorded (every schedule)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, bugs{earlyDefer: true}) },
		},
		{
			Name:     "leaky",
			Summary:  "one scope stack shared by all tasks: the callback works in its active span while the root starts its own, which hang under the callback's; closes pop each other's scopes (every schedule: the work overlaps by design)",
			Platform: env.Tasks,
			Manager:  env.Leaky,
		},
	},
}
