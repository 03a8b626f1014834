package subtaskpropagation

import (
	"context"
	"errors"
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// Message is what the parent hands each subtask; Response is what a
// subtask answers.
const Message = "message"

// Response is a subtask's answer to msg (the Python test's
// "message::response").
func Response(msg string) string { return msg + "::response" }

// Form says where a subtask runs. Its child span carries it as the tag
// "subtask".
type Form string

const (
	// Awaited: called in the parent's own task (Python asyncio), which it
	// shares with the parent's active scope.
	Awaited Form = "awaited"
	// Spawned: run on a task of its own that the parent waits for (Python
	// threads, gevent).
	Spawned Form = "spawned"
)

// bugs are the deliberate mistakes of the broken variants.
type bugs struct {
	// noWait: the parent finishes its span right after spawning the
	// subtask, before waiting for it.
	noWait bool
	// finishOnReactivate: the awaited subtask re-activates the span it was
	// handed with finishOnClose=true, finishing the parent's span.
	finishOnReactivate bool
}

// subtask does one subtask's work: a child span of parent (carried by
// ctx on the ctx platform), then the response to msg. It returns an error
// when the scope manager did not give it what the pattern promises.
func subtask(e env.Env, ctx context.Context, parent opentracing.Span, form Form, msg string, b bugs) (string, error) {
	tr := e.Tracer()
	sm := tr.ScopeManager()
	tag := opentracing.Tag{Key: "subtask", Value: string(form)}
	var errs []error
	switch p := e.Platform().Propagation; {
	case p == env.Context:
		child, _ := opentracing.StartSpanFromContextWithTracer(ctx, tr, "child", tag)
		e.Logf("%s subtask: child span from the context", form)
		e.Yield()
		child.Finish()
	case form == Awaited:
		// asyncio: the subtask runs in the parent's task, where the span
		// is active already, and re-activates it anyway, over itself.
		outer := sm.Active()
		if outer == nil || outer.Span() != parent {
			return "", fmt.Errorf("%s subtask: the parent's span is not active in the parent's own task", form)
		}
		again := sm.Activate(parent, b.finishOnReactivate)
		e.Logf("%s subtask: re-activate the parent's span over itself (finishOnClose=%v)", form, b.finishOnReactivate)
		errs = append(errs, check.ActiveIs(sm, again, "awaited subtask, the span re-activated over itself"))
		child := tr.StartActiveSpan("child", tag)
		errs = append(errs, check.ActiveIs(sm, child, "awaited subtask, three scopes deep"))
		e.Yield()
		child.Close()
		errs = append(errs, check.ActiveIs(sm, again, "awaited subtask, child closed"))
		again.Close()
		errs = append(errs, check.ActiveIs(sm, outer, "awaited subtask done: the parent's own scope"))
	case p == env.Explicit:
		// Threads, gevent: a new task starts with nothing active.
		sc := sm.Activate(parent, false)
		e.Logf("%s subtask: re-activate the span handed over, finishOnClose=false", form)
		child := tr.StartActiveSpan("child", tag)
		e.Yield()
		child.Close()
		sc.Close()
	default:
		// contextvars, Tornado: the span came with the task.
		if got := tr.ActiveSpan(); got != parent {
			return "", fmt.Errorf("%s subtask: the active span is %v, want the parent's, propagated", form, got)
		}
		e.Logf("%s subtask: the parent's span came with the task", form)
		child := tr.StartActiveSpan("child", tag)
		e.Yield()
		child.Close()
	}
	return Response(msg), errors.Join(errs...)
}

// result is a subtask's answer, passed back through a future.
type result struct {
	response string
	err      error
}

// parentTask is Python's parent_task: in its active span "parent" it
// awaits one subtask, spawns another and waits for it, and only then
// finishes the span. It returns the responses.
func parentTask(e env.Env, b bugs) ([]string, error) {
	tr := e.Tracer()
	var (
		responses []string
		errs      []error
	)
	e.StackContext(func() {
		ctx := context.Background()
		var (
			parent opentracing.Span
			finish func()
		)
		if e.Platform().Propagation == env.Context {
			parent = tr.StartSpan("parent")
			ctx, finish = opentracing.ContextWithSpan(ctx, parent), parent.Finish
		} else {
			sc := tr.StartActiveSpan("parent")
			parent, finish = sc.Span(), sc.Close
			errs = append(errs, check.ActiveIs(tr.ScopeManager(), sc, "parent task, after StartActiveSpan"))
		}

		r, err := subtask(e, ctx, parent, Awaited, Message, b)
		responses, errs = append(responses, r), append(errs, err)

		done := env.NewFuture[result](e)
		e.Go("subtask", func() {
			r, err := subtask(e, ctx, parent, Spawned, Message, b)
			done.Resolve(result{r, err})
		})
		if b.noWait {
			e.Logf("parent: finish the span before waiting for the subtask")
			finish()
		}
		res := done.Get()
		responses, errs = append(responses, res.response), append(errs, res.err)
		if !b.noWait {
			e.Logf("parent: the subtask returned, finish the span")
			finish()
		}
	})
	return responses, errors.Join(errs...)
}

// run runs the parent task on a task of its own and waits for its
// responses (Python's executor.submit(parent_task).result()).
func run(e env.Env, b bugs) error {
	done := env.NewFuture[result](e)
	e.Go("parent", func() {
		rs, err := parentTask(e, b)
		done.Resolve(result{fmt.Sprint(rs), err})
	})
	res := done.Get()
	if want := fmt.Sprint([]string{Response(Message), Response(Message)}); res.response != want {
		res.err = errors.Join(res.err, fmt.Errorf("responses %s, want %s", res.response, want))
	}
	return res.err
}

// checkSpans asserts what the original asserts, for both subtasks: the
// children then the parent in finish order, each child a child of the
// parent, in its trace, finished before it; and the parent a root.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	errs := []error{check.NamesInOrder(spans, "child", "child", "parent")}
	parent, err := check.OneByName(spans, "parent")
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, check.NoParent(parent))
	for _, form := range []Form{Awaited, Spawned} {
		child, err := check.OneByTag(spans, "subtask", string(form))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, check.ChildOf(child, parent), check.FinishedBefore(spans, child, parent))
	}
	return errors.Join(errs...)
}

// Scenario is the subtask-span-propagation scenario, registered in package
// testbed.
var Scenario = env.Scenario{
	Name:      "subtaskpropagation",
	Summary:   "a parent hands its active span to an awaited and a spawned subtask, each makes a child; the parent finishes after both return",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, bugs{}) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     "nowait",
			Summary:  "the parent finishes its span right after spawning the subtask, before waiting for it: the subtask's child finishes after its parent when the subtask runs late (some schedules)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, bugs{noWait: true}) },
		},
		{
			Name:     "finishonreactivate",
			Summary:  "the awaited subtask re-activates the span it was handed with finishOnClose=true: closing that scope finishes the parent's span while the parent still uses it, and the parent finishes it again (every schedule)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, bugs{finishOnReactivate: true}) },
		},
	},
}
