package nestedcallbacks

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// Depth is the length of the chain: task1 spawns task2 spawns task3.
const Depth = 3

// Key and Value are the tag task n sets: key1 = "1", key2 = "2", ...
func Key(n int) string { return "key" + strconv.Itoa(n) }

// Value is the value of tag Key(n).
func Value(n int) string { return strconv.Itoa(n) }

// style is how a task of the chain gets hold of the span.
type style int

const (
	// activate: the task activates the span it was handed (explicit
	// platforms: threads, asyncio, gevent). The last task activates it with
	// finishOnClose, so closing its scope finishes the span.
	activate style = iota + 1
	// find: the task finds the span already active, inherited from its
	// spawner (contextvars) or shared in the stack context (Tornado), checks
	// that it IS the span, and tags it through the tracer's active span.
	find
	// fromContext: the span travels in the context.Context handed down.
	fromContext
)

// chain is one run of the pattern: the span handed down, and the future the
// last task resolves with the errors the tasks found, so that Run can wait
// for a chain nobody joins (the original's await_until(finished == 1)).
type chain struct {
	e     env.Env
	tr    opentracing.Tracer
	style style
	span  opentracing.Span
	done  *env.Future[error]
}

// task is task n of the chain; errs are the errors found by the tasks
// before it. It spawns task n+1 and returns without waiting for it.
func (c *chain) task(ctx context.Context, n int, errs error) {
	switch c.style {
	case activate:
		// Only the last task finishes the span, by closing its scope.
		sc := c.tr.ScopeManager().Activate(c.span, n == Depth)
		c.e.Logf("task%d: activate the span handed down (finishOnClose=%t), set %s", n, n == Depth, Key(n))
		sc.Span().SetTag(Key(n), Value(n))
		if n < Depth {
			c.spawn(ctx, n+1, errs)
		}
		sc.Close()
		if n == Depth {
			c.e.Logf("task%d: scope closed", n)
		}
	case find:
		active := c.tr.ActiveSpan()
		if active != c.span {
			errs = errors.Join(errs, fmt.Errorf("task%d: the active span is %v, want the span handed down", n, active))
		}
		if active != nil {
			c.e.Logf("task%d: found %s active, set %s", n, name(active), Key(n))
			active.SetTag(Key(n), Value(n))
		} else {
			c.e.Logf("task%d: found no span active: nothing to tag", n)
		}
		if n < Depth {
			c.spawn(ctx, n+1, errs)
		} else if active != nil {
			active.Finish()
		}
	case fromContext:
		span := opentracing.SpanFromContext(ctx)
		c.e.Logf("task%d: %s from the context, set %s", n, name(span), Key(n))
		if span != c.span {
			errs = errors.Join(errs, fmt.Errorf("task%d: the context's span is %v, want the span handed down", n, span))
		}
		span.SetTag(Key(n), Value(n))
		if n < Depth {
			c.spawn(ctx, n+1, errs)
		} else {
			span.Finish()
		}
	}
	if n == Depth {
		c.done.Resolve(errs)
	}
}

// name names a span in the run's notes.
func name(sp opentracing.Span) string {
	if sp == nil {
		return "no span"
	}
	if ms, ok := sp.(interface{ OperationName() string }); ok {
		return fmt.Sprintf("span %q", ms.OperationName())
	}
	return fmt.Sprintf("%T", sp)
}

// spawn starts task n: fire and forget.
func (c *chain) spawn(ctx context.Context, n int, errs error) {
	c.e.Go("task"+strconv.Itoa(n), func() { c.task(ctx, n, errs) })
}

// styleFor is the style the platform's original uses.
func styleFor(p env.Propagation) style {
	switch p {
	case env.Inherit, env.Shared:
		return find
	case env.Context:
		return fromContext
	default:
		return activate
	}
}

// run starts span "one", hands it to task1 and waits until the last task
// has finished it.
func run(e env.Env, st style) error {
	c := &chain{e: e, tr: e.Tracer(), style: st, done: env.NewFuture[error](e)}
	switch {
	case st == fromContext:
		c.span = c.tr.StartSpan("one")
		e.Logf("root: span one in a context, spawn task1")
		c.spawn(opentracing.ContextWithSpan(context.Background(), c.span), 1, nil)
	case e.Platform().Propagation == env.Shared:
		// Tornado: the tasks share the stack context's active scope, so
		// the scope must stay open until the chain is done (the original
		// yields inside the with block).
		var err error
		e.StackContext(func() {
			sc := c.tr.StartActiveSpan("one", opentracing.FinishOnClose(false))
			c.span = sc.Span()
			e.Logf("root: span one active in the stack context, spawn task1 and wait")
			c.spawn(context.Background(), 1, nil)
			err = c.done.Get()
			sc.Close()
		})
		return err
	default:
		// Python's submit(): the span is active here and finishOnClose is
		// false, so closing this scope leaves the span to the chain.
		sc := c.tr.StartActiveSpan("one", opentracing.FinishOnClose(false))
		c.span = c.tr.ActiveSpan()
		e.Logf("root: span one active (finishOnClose=false), spawn task1")
		c.spawn(context.Background(), 1, nil)
		sc.Close()
		e.Logf("root: scope closed, the span stays open")
	}
	return c.done.Get()
}

// checkSpans asserts one span "one" with exactly the three tags.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.Count(spans, 1); err != nil {
		return err
	}
	one, err := check.OneByName(spans, "one")
	if err != nil {
		return err
	}
	tags := one.Tags
	var errs []error
	if len(tags) != Depth {
		errs = append(errs, fmt.Errorf("%w: span \"one\" has %d tags %v, want exactly %d", check.ErrCheck, len(tags), tags, Depth))
	}
	for n := 1; n <= Depth; n++ {
		if got := tags[Key(n)]; got != Value(n) {
			errs = append(errs, fmt.Errorf("%w: tag %s = %v, want %q", check.ErrCheck, Key(n), got, Value(n)))
		}
	}
	return errors.Join(errs...)
}

// Scenario is the nested-callbacks scenario, registered in package testbed.
var Scenario = env.Scenario{
	Name:      "nestedcallbacks",
	Summary:   "a span handed down a fire-and-forget chain of 3 nested tasks; each tags it, the last finishes it",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, styleFor(e.Platform().Propagation)) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name: "readactive",
			Summary: "the tasks read the active span instead of activating the span they were handed, " +
				"under a scope manager shared by all tasks: right only while the root's scope happens to be on the shared stack " +
				"(depends on the interleaving)",
			Platform: env.Tasks,
			Manager:  env.Leaky,
			Run:      func(e env.Env) error { return run(e, find) },
		},
		{
			Name: "finishonclose",
			Summary: "the root activates the span with finishOnClose true, as if it owned it: the span is finished " +
				"twice, and tagged after its finish unless the chain outruns the root (fails on every schedule)",
			Platform: env.Tasks,
			Run:      runFinishOnClose,
		},
	},
}

// runFinishOnClose is the broken variant where the root keeps the default
// finishOnClose: closing its scope finishes a span the chain still uses.
func runFinishOnClose(e env.Env) error {
	c := &chain{e: e, tr: e.Tracer(), style: activate, done: env.NewFuture[error](e)}
	sc := c.tr.StartActiveSpan("one")
	c.span = sc.Span()
	c.spawn(context.Background(), 1, nil)
	sc.Close()
	return c.done.Get()
}
