package activereplace

import (
	"context"
	"errors"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// ReplacedFor is how long the task keeps initial active in place of its
// own span (the Java test sleeps 50 ms).
const ReplacedFor = 50 * time.Millisecond

// bugs are the deliberate mistakes of the broken variants.
type bugs struct {
	// closeLate: the task closes initial's scope only after starting
	// subtask, so subtask starts under initial.
	closeLate bool
}

// task is the task initial is handed to: in its own active span it makes
// initial active for a while, finishes it, and starts subtask under its
// own span again.
func task(e env.Env, ctx context.Context, initial opentracing.Span, b bugs) error {
	tr := e.Tracer()
	if e.Platform().Propagation == env.Context {
		// The Go idiom: the replacement is a derived context; going back
		// to the task's own context restores its span.
		own := tr.StartSpan("task")
		ctx = opentracing.ContextWithSpan(ctx, own)
		replaced := opentracing.ContextWithSpan(ctx, initial)
		e.Logf("task: initial in a derived context")
		e.Sleep(ReplacedFor)
		opentracing.SpanFromContext(replaced).Finish()
		sub, _ := opentracing.StartSpanFromContextWithTracer(ctx, tr, "subtask")
		sub.Finish()
		own.Finish()
		return nil
	}

	sm := tr.ScopeManager()
	var errs []error
	own := tr.StartActiveSpan("task")
	errs = append(errs, check.ActiveIs(sm, own, "task, after StartActiveSpan"))
	replacement := sm.Activate(initial, true)
	e.Logf("task: initial replaces the task's active span")
	errs = append(errs, check.ActiveIs(sm, replacement, "task, initial activated in place of its span"))
	e.Sleep(ReplacedFor)
	if !b.closeLate {
		replacement.Close()
		e.Logf("task: initial's scope closed, the task's span is active again")
		errs = append(errs, check.ActiveIs(sm, own, "task, after initial's scope closed"))
	}
	sub := tr.StartActiveSpan("subtask")
	sub.Close()
	if b.closeLate {
		replacement.Close()
	}
	errs = append(errs, check.ActiveIs(sm, own, "task, after subtask"))
	own.Close()
	return errors.Join(errs...)
}

// run starts initial without activating it for long and hands it to the
// task. The Java test has initial active on its thread while it submits
// the task, which shows a manager that leaks it into the task; on the
// inherit platform the task would inherit it as its parent, so there, as
// in the Python test, it is not activated at all.
func run(e env.Env, b bugs) error {
	tr := e.Tracer()
	initial := tr.StartSpan("initial")
	done := env.NewFuture[error](e)
	spawn := func() {
		e.Go("task", func() {
			var err error
			e.StackContext(func() { err = task(e, context.Background(), initial, b) })
			done.Resolve(err)
		})
	}
	if e.Platform().Propagation == env.Inherit {
		spawn()
	} else {
		sc := tr.ScopeManager().Activate(initial, false)
		e.Logf("root: initial active while the task is submitted")
		spawn()
		sc.Close()
	}
	return done.Get()
}

// checkSpans asserts what the originals assert: initial, subtask and task
// in finish order; subtask a child of task, in its trace; initial a root,
// in another trace.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.NamesInOrder(spans, "initial", "subtask", "task"); err != nil {
		return err
	}
	initial, sub, own := spans[0], spans[1], spans[2]
	return errors.Join(
		check.ChildOf(sub, own),
		check.NoParent(own),
		check.NotSameTrace(initial, sub),
		check.NoParent(initial),
	)
}

// Scenario is the active-span-replacement scenario, registered in package
// testbed.
var Scenario = env.Scenario{
	Name:      "activereplace",
	Summary:   "a task makes a span of another trace active in place of its own for a while; its own span is active again afterwards",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, bugs{}) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     "closelate",
			Summary:  "the task closes initial's scope only after starting subtask: subtask is a child of initial, in initial's trace (every schedule)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, bugs{closeLate: true}) },
		},
		{
			Name:     "leaky",
			Summary:  "one scope stack shared by all tasks: when the task starts before the root has closed initial's scope, task becomes a child of initial and the root's close pops the task's scope (some schedules)",
			Platform: env.Tasks,
			Manager:  env.Leaky,
		},
	},
}
