package multiplecallbacks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// works are the callbacks' durations (the Java test's 300, 200 and 100 ms):
// the first started is the last to end.
var works = []time.Duration{300 * time.Millisecond, 200 * time.Millisecond, 100 * time.Millisecond}

// RefCount counts the holders of a span; whoever takes the count to zero
// finishes the span (the Python testbed's utils.RefCount).
type RefCount struct {
	mu sync.Locker
	n  int // guarded by mu
}

// NewRefCount returns a count of n guarded by mu (a mutex of the Env, so
// that under sim every change is a scheduling point).
func NewRefCount(mu sync.Locker, n int) *RefCount { return &RefCount{mu: mu, n: n} }

// Incr adds a holder and returns the new count.
func (r *RefCount) Incr() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	return r.n
}

// Decr removes a holder and returns the new count.
func (r *RefCount) Decr() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n--
	return r.n
}

// Style is how a callback makes its child span, one per platform.
type Style int

const (
	// Reactivate: the parent is passed by hand and re-activated without
	// finishing it, then the child is started active (threads, asyncio,
	// gevent).
	Reactivate Style = iota + 1
	// Activate: the parent is active already (inherited); the child is
	// started active (contextvars).
	Activate
	// StartOnly: the parent is active already, in a context shared with the
	// sibling callbacks; the child is started under it and NOT activated
	// (Tornado: the only correct form when a coroutine yields over several
	// children at once).
	StartOnly
	// FromContext: the parent travels in a context.Context.
	FromContext
)

// StyleFor returns the correct callback style on a platform.
func StyleFor(p env.Platform) Style {
	switch p.Propagation {
	case env.Inherit:
		return Activate
	case env.Shared:
		return StartOnly
	case env.Context:
		return FromContext
	default:
		return Reactivate
	}
}

// Callback is one asynchronous callback of the parent.
type Callback struct {
	// Work is how long the callback works in its child span "task".
	Work time.Duration
}

// Run runs the callback on e in the given style. parent is the parent span
// (Reactivate), ctx carries it (FromContext).
func (c Callback) Run(e env.Env, style Style, ctx context.Context, parent opentracing.Span) error {
	tr := e.Tracer()
	switch style {
	case Reactivate:
		sc := tr.ScopeManager().Activate(parent, false)
		defer sc.Close()
		e.Logf("re-activate the parent")
		child := tr.StartActiveSpan("task")
		c.work(e, child.Close)
	case Activate:
		child := tr.StartActiveSpan("task")
		c.work(e, child.Close)
	case StartOnly:
		// Tornado's child: "No span should be activated here. The parent
		// Span will remain active, though."
		if tr.ActiveSpan() == nil {
			return errors.New("callback: no active span: the parent did not propagate")
		}
		child := tr.StartSpan("task")
		c.work(e, child.Finish)
	case FromContext:
		child, _ := opentracing.StartSpanFromContextWithTracer(ctx, tr, "task")
		c.work(e, child.Finish)
	default:
		return fmt.Errorf("callback: unknown style %d", style)
	}
	return nil
}

// work does the callback's work in its child span, then finishes that span
// with finish.
func (c Callback) work(e env.Env, finish func()) {
	e.Logf("work %v in its child span", c.Work)
	e.Sleep(c.Work)
	finish()
}

// errs collects the callbacks' errors.
type errs struct {
	mu   sync.Locker
	errs []error // guarded by mu
}

func (l *errs) add(err error) {
	if err == nil {
		return
	}
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

func (l *errs) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return errors.Join(l.errs...)
}

// run is the scenario: a parent span over three concurrent callbacks.
// style is the callbacks' style (StyleFor the platform, unless a broken
// variant says otherwise); lateIncr is the ref-count bug.
func run(e env.Env, style Style, lateIncr bool) error {
	tr := e.Tracer()
	wg := e.NewWaitGroup()
	cbErrs := &errs{mu: e.NewMutex()}
	spawn := func(i int, f func() error) {
		wg.Add(1)
		e.Go(fmt.Sprintf("callback%d", i+1), func() {
			defer wg.Done()
			cbErrs.add(f())
		})
	}

	if style == Reactivate {
		// Threads: the parent stays open after its scope closes; a ref
		// count decides who finishes it. The owner holds one reference,
		// each callback one more, taken BEFORE it is submitted.
		sc := tr.StartActiveSpan("parent", opentracing.FinishOnClose(false))
		parent := sc.Span()
		rc := NewRefCount(e.NewMutex(), 1)
		release := func() {
			if rc.Decr() == 0 {
				e.Logf("last reference released: finish the parent")
				parent.Finish()
			}
		}
		for i, w := range works {
			if !lateIncr {
				rc.Incr()
			}
			spawn(i, func() error {
				if lateIncr {
					rc.Incr() // the bug: the owner may have released already
				}
				defer release()
				return Callback{Work: w}.Run(e, style, nil, parent)
			})
		}
		sc.Close()
		release()
		wg.Wait() // executor.shutdown(True)
		return cbErrs.err()
	}

	// asyncio's gather: the owner waits for every callback, then finishes
	// the parent. On stackcontext the callbacks share the owner's context.
	e.StackContext(func() {
		var (
			ctx    = context.Background()
			parent opentracing.Span
			finish func()
		)
		if style == FromContext {
			parent = tr.StartSpan("parent")
			ctx, finish = opentracing.ContextWithSpan(ctx, parent), parent.Finish
		} else {
			sc := tr.StartActiveSpan("parent")
			parent, finish = sc.Span(), sc.Close
		}
		for i, w := range works {
			spawn(i, func() error { return Callback{Work: w}.Run(e, style, ctx, parent) })
		}
		wg.Wait()
		e.Logf("callbacks done: finish the parent")
		finish()
	})
	return cbErrs.err()
}

// checkSpans asserts what the originals assert: three tasks then the
// parent, in finish order; each task in the parent's trace, its child, and
// finished no later than it. The parent is found by name, so that when the
// order is wrong the parent links are still reported.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	errs := []error{check.NamesInOrder(spans, "task", "task", "task", "parent")}
	parent, err := check.OneByName(spans, "parent")
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, task := range check.ByName(spans, "task") {
		errs = append(errs, check.ParentLast([]*mocktracer.SpanRecord{task, parent}))
	}
	return errors.Join(errs...)
}

// MultipleYield is the broken variant that shows Tornado's multiple-yield
// limitation: on the stackcontext platform its callbacks activate their
// child spans in the context they share.
const MultipleYield = "multipleyield"

// RunActivating runs the scenario with callbacks that activate their child
// spans (the contextvars form) whatever the platform: correct on inherit,
// the multiple-yield limitation on stackcontext.
func RunActivating(e env.Env) error { return run(e, Activate, false) }

// Scenario is the multiple-callbacks scenario, registered in package
// testbed.
var Scenario = env.Scenario{
	Name:      "multiplecallbacks",
	Summary:   "one parent over three concurrent callbacks, each with a child span; the parent finishes after all of them",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, StyleFor(e.Platform()), false) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     MultipleYield,
			Summary:  "Tornado's multiple-yield limitation: callbacks sharing one stack context activate their own spans, so a callback's child gets a sibling's span as parent (every schedule) and closes come out of order (some schedules)",
			Platform: env.StackContext,
			Run:      RunActivating,
		},
		{
			Name:     "lateincr",
			Summary:  "each callback takes its reference on the parent itself, after it starts: if the owner releases first, the count hits zero and the parent finishes before its children (some schedules)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, Reactivate, true) },
		},
		{
			Name:     NoRestore,
			Summary:  "a contextvars-style manager whose Close forgets to restore the previous scope and clears to nothing: each callback activates its child over the parent it inherited, and closing the child leaves the callback with no span active instead of the parent (every schedule)",
			Platform: env.Inheriting,
			Manager:  env.Forgetful,
		},
	},
}

// NoRestore is the broken variant whose scope manager forgets to restore
// the previous scope on Close (env.Forgetful): on the inherit platform
// every callback nests its child's scope over the parent's.
const NoRestore = "norestore"
