package latespan

import (
	"context"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// The subtasks' work: task1 ends first (the Python threads test sleeps
// 0.1 s and 0.3 s).
const (
	task1Work = 100 * time.Millisecond
	task2Work = 300 * time.Millisecond
)

// subtask is one asynchronous subtask of a long-lived parent span.
type subtask struct {
	// Name is the operation name of the subtask's child span.
	Name string
	// Work is how long the subtask works in its child span.
	Work time.Duration
	// After, if set, is a subtask that must end before this one closes its
	// child span. The originals let a longer sleep decide the finish order;
	// real goroutines do not promise that, so task2 also waits for task1.
	After *env.Future[struct{}]
	// Done is resolved when the subtask's child span is finished.
	Done *env.Future[struct{}]
}

// bugs are the deliberate mistakes of the broken variants.
type bugs struct {
	// finishParent re-activates the parent with finishOnClose=true: the
	// first subtask to end finishes the parent it only borrowed.
	finishParent bool
	// earlyDone tells the owner "done" before the child span is finished.
	earlyDone bool
}

// run runs the subtask on e. parent is the late parent span; ctx carries it
// on the ctx platform. On the inherit platform the subtask started with the
// parent active and re-activates nothing.
func (t *subtask) run(e env.Env, ctx context.Context, parent opentracing.Span, wg env.WaitGroup, b bugs) {
	tr := e.Tracer()
	if !b.earlyDone {
		defer wg.Done()
	}
	switch e.Platform().Propagation {
	case env.Inherit:
		// The parent is already active: it came with the task.
		sc := tr.StartActiveSpan(t.Name)
		t.work(e, sc.Close, wg, b)
	case env.Context:
		child, _ := opentracing.StartSpanFromContextWithTracer(ctx, tr, t.Name)
		t.work(e, child.Finish, wg, b)
	default:
		// Explicit, and Shared in a stack context of the subtask's own (two
		// subtasks sharing one would close each other's scopes out of order).
		e.StackContext(func() {
			// Re-activate the parent WITHOUT finishing it on close: it is
			// borrowed, its owner finishes it.
			sc := tr.ScopeManager().Activate(parent, b.finishParent)
			defer sc.Close()
			e.Logf("re-activate the parent, finishOnClose=%v", b.finishParent)
			e.Yield() // a thread may lose the CPU between any two calls
			child := tr.StartActiveSpan(t.Name)
			t.work(e, child.Close, wg, b)
		})
	}
}

// work does the subtask's work in its child span, then finishes that span
// with finish.
func (t *subtask) work(e env.Env, finish func(), wg env.WaitGroup, b bugs) {
	e.Logf("work %v in its child span", t.Work)
	e.Sleep(t.Work)
	if t.After != nil {
		t.After.Get()
	}
	if b.earlyDone {
		wg.Done() // the bug: the owner may finish the parent now
	}
	finish()
	t.Done.Resolve(struct{}{})
}

// run is the scenario: the owner starts the parent, submits two subtasks,
// waits for them, and only then finishes the parent.
func run(e env.Env, b bugs) error {
	tr := e.Tracer()
	wg := e.NewWaitGroup()
	task1 := &subtask{Name: "task1", Work: task1Work, Done: env.NewFuture[struct{}](e)}
	task2 := &subtask{Name: "task2", Work: task2Work, After: task1.Done, Done: env.NewFuture[struct{}](e)}

	var (
		parent    opentracing.Span
		ctx       = context.Background()
		finishing func()
	)
	if e.Platform().Propagation == env.Inherit {
		// contextvars: the parent is active in the owner and the subtasks
		// inherit it; closing the owner's scope finishes it.
		sc := tr.StartActiveSpan("parent")
		parent, finishing = sc.Span(), sc.Close
		e.Logf("the parent is active")
	} else {
		// Started, not activated: the subtasks get it by hand.
		parent = tr.StartSpan("parent")
		finishing = parent.Finish
		e.Logf("the parent is not activated")
		ctx = opentracing.ContextWithSpan(ctx, parent)
	}
	for _, t := range []*subtask{task1, task2} {
		wg.Add(1)
		e.Go(t.Name, func() { t.run(e, ctx, parent, wg, b) })
	}
	wg.Wait()
	e.Logf("subtasks done: finish the parent, late")
	finishing()
	return nil
}

// checkSpans asserts what the originals assert: task1, task2 and parent in
// finish order, each task a child of the parent in its trace, finished no
// later than it.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.NamesInOrder(spans, "task1", "task2", "parent"); err != nil {
		return err
	}
	return check.ParentLast(spans)
}

// Scenario is the late-span-finish scenario, registered in package testbed.
var Scenario = env.Scenario{
	Name:      "latespan",
	Summary:   "a parent outlives its subtasks, which re-activate it without finishing it; its owner finishes it last",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, bugs{}) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     "finishonclose",
			Summary:  "each subtask re-activates the parent with finishOnClose=true: task1 finishes the parent, task2's child ends after it and the parent is finished three times (every schedule)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, bugs{finishParent: true}) },
		},
		{
			Name:     "earlydone",
			Summary:  "a subtask signals done before finishing its child span: the owner may finish the parent before task2 (some schedules)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, bugs{earlyDone: true}) },
		},
		{
			Name:     "leaky",
			Summary:  "one scope stack shared by all tasks: a subtask starts its child under the other's span, or its close pops the other's scopes (most schedules; passes only when task1 activates after task2, so that the shared stack unwinds in order)",
			Platform: env.Tasks,
			Manager:  env.Leaky,
		},
	},
}
