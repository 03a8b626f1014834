package scopetest

import (
	"fmt"
	"slices"

	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/opentracing"
)

// example is one check of opentracing-python's scope_check (or one of ours
// in the same style).
type example struct {
	name string
	// external: run on the caller's goroutine rather than in a task, as
	// Python's *_external checks run outside run_test. Goroutines only.
	external bool
	// driver: run on the caller's goroutine, which drives several tasks
	// with e.in and worker.do.
	driver bool
	run    func(e *exampleEnv)
}

// exampleEnv is a fresh manager and tracer on a fresh platform.
type exampleEnv struct {
	t    rapid.TB
	name string
	c    *config
	r    runner
	mgr  opentracing.ScopeManager
	tr   *tracer
	// scopes are the scopes Activate returned, in order: failure messages
	// name a scope by its place here, so that two scopes of one span tell
	// apart.
	scopes []opentracing.Scope
}

// activate activates s in mgr and records the scope.
func (e *exampleEnv) activate(mgr opentracing.ScopeManager, s opentracing.Span, finishOnClose bool) opentracing.Scope {
	sc := mgr.Activate(s, finishOnClose)
	e.scopes = append(e.scopes, sc)
	return sc
}

func (e *exampleEnv) errorf(format string, args ...any) {
	e.t.Helper()
	e.t.Errorf("scope_check %s: "+format, append([]any{e.name}, args...)...)
}

// in runs f in the root task.
func (e *exampleEnv) in(f func()) { e.r.root().do(f) }

func (e *exampleEnv) span(name string) *span {
	return e.tr.start(name, nil)
}

func (e *exampleEnv) wantActive(want opentracing.Scope, what string) {
	e.t.Helper()
	got := e.mgr.Active()
	if got != want {
		e.errorf("%s: Active() = %s, want %s", what, e.describe(got), e.describe(want))
	}
}

func (e *exampleEnv) wantFinished(s *span, n int) {
	e.t.Helper()
	if got := int(s.finishes.Load()); got != n {
		e.errorf("%v finished %d times, want %d", s, got, n)
	}
}

func (e *exampleEnv) wantMisuse(kinds ...opentracing.MisuseKind) {
	e.t.Helper()
	if !e.c.misuse {
		return
	}
	if got := e.tr.misuseKinds(); !slices.Equal(got, kinds) {
		e.errorf("misuse reported %v, want %v", got, kinds)
	}
}

// describe names a scope: "scope 2 (of span 1)", the second that Activate
// returned, or what it is if Activate never returned it.
func (e *exampleEnv) describe(sc opentracing.Scope) string {
	if sc == nil {
		return "nil"
	}
	if i := slices.Index(e.scopes, sc); i >= 0 {
		return fmt.Sprintf("scope %d (of %s)", i+1, spanString(sc.Span()))
	}
	return describeUnknown(sc)
}

func examples(c *config) []example {
	list := []example{
		{name: "missing_active_external", external: true, run: checkMissingActive},
		{name: "missing_active", run: checkMissingActive},
		{name: "activate", run: checkActivate},
		{name: "activate_external", external: true, run: checkActivate},
		{name: "activate_finish_on_close", run: checkActivateFinishOnClose},
		{name: "activate_nested", run: checkActivateNested},
		{name: "activate_finish_on_close_nested", run: checkActivateFinishOnCloseNested},
		{name: "close_wrong_order", run: checkCloseWrongOrder},
		{name: "close_twice", run: checkCloseTwice},
		{name: "implicit_parent", run: checkImplicitParent},
		{name: "spawn_propagation", driver: true, run: checkSpawnPropagation},
	}
	if c.nilSpans {
		list = append(list, example{name: "activate_nil_span", run: checkActivateNilSpan})
	}
	if c.foreignClose {
		list = append(list, example{name: "close_from_other_task", driver: true, run: checkCloseFromOtherTask})
	}
	return list
}

func runExamples(t rapid.TB, c *config, newManager func(Env) opentracing.ScopeManager) {
	t.Helper()
	for _, ex := range examples(c) {
		if ex.external && c.platform != Goroutines {
			continue
		}
		runExample(t, c, ex, newManager)
	}
}

// runExample runs one example on a fresh platform; a panic (of the manager,
// in a task) fails the example.
func runExample(t rapid.TB, c *config, ex example, newManager func(Env) opentracing.ScopeManager) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("scope_check %s: panic: %v", ex.name, p)
		}
	}()
	withRunner(c, t.Failed, func(r runner) {
		e := &exampleEnv{t: t, name: ex.name, c: c, r: r}
		e.in(func() { e.mgr = newManager(r.env()) })
		if e.mgr == nil {
			e.errorf("newManager returned nil")
			return
		}
		e.tr = newTracer(e.mgr)
		if ex.external || ex.driver {
			ex.run(e)
		} else {
			e.in(func() { ex.run(e) })
		}
	})
}

func checkMissingActive(e *exampleEnv) {
	e.wantActive(nil, "on a new manager")
}

func checkActivate(e *exampleEnv) {
	s := e.span("a")
	sc := e.activate(e.mgr, s, false)
	if sc == nil {
		e.errorf("Activate returned nil")
		return
	}
	e.wantActive(sc, "after Activate")
	if sc.Span() != opentracing.Span(s) {
		e.errorf("Scope.Span() = %v, want %v", sc.Span(), s)
	}
	sc.Close()
	e.wantFinished(s, 0)
	e.wantActive(nil, "after Close")
	e.wantMisuse()
}

func checkActivateFinishOnClose(e *exampleEnv) {
	s := e.span("a")
	sc := e.activate(e.mgr, s, true)
	sc.Close()
	e.wantFinished(s, 1)
	e.wantActive(nil, "after Close")
}

func checkActivateNested(e *exampleEnv) {
	p, c := e.span("parent"), e.span("child")
	ps := e.activate(e.mgr, p, true)
	cs := e.activate(e.mgr, c, true)
	e.wantActive(cs, "inside both")
	cs.Close()
	e.wantActive(ps, "after closing the child")
	ps.Close()
	e.wantActive(nil, "after closing both")
	e.wantFinished(p, 1)
	e.wantFinished(c, 1)
	e.wantMisuse()
}

func checkActivateFinishOnCloseNested(e *exampleEnv) {
	p, c := e.span("parent"), e.span("child")
	ps := e.activate(e.mgr, p, false)
	cs := e.activate(e.mgr, c, true)
	cs.Close()
	ps.Close()
	e.wantFinished(p, 0)
	e.wantFinished(c, 1)
	e.wantActive(nil, "after closing both")
}

func checkCloseWrongOrder(e *exampleEnv) {
	p, c := e.span("parent"), e.span("child")
	ps := e.activate(e.mgr, p, true)
	cs := e.activate(e.mgr, c, true)
	ps.Close()
	e.wantFinished(p, 0)
	e.wantActive(cs, "after closing the parent first")
	e.wantMisuse(opentracing.MisuseCloseOutOfOrder)
	cs.Close()
	e.wantActive(ps, "after closing the child")
	ps.Close()
	e.wantActive(nil, "after closing both in order")
	e.wantFinished(p, 1)
	e.wantFinished(c, 1)
	e.wantMisuse(opentracing.MisuseCloseOutOfOrder)
}

func checkCloseTwice(e *exampleEnv) {
	s := e.span("a")
	sc := e.activate(e.mgr, s, true)
	sc.Close()
	sc.Close()
	e.wantFinished(s, 1)
	e.wantActive(nil, "after closing twice")
	e.wantMisuse(opentracing.MisuseCloseTwice)
}

func checkImplicitParent(e *exampleEnv) {
	p := e.span("parent")
	ps := e.activate(e.mgr, p, true)
	c := e.tr.start("child", e.mgr)
	if c.parent != p.id {
		e.errorf("a span started while %v is active has parent %d, want %d", p, c.parent, p.id)
	}
	ps.Close()
	if r := e.tr.start("root", e.mgr); r.parent != 0 {
		e.errorf("a span started with nothing active has parent %d, want none", r.parent)
	}
}

// checkActivateNilSpan: the scope of a nil span hides the span active
// before it (no implicit parent while it is open) and its Close, with
// finishOnClose, restores that scope and finishes nothing.
func checkActivateNilSpan(e *exampleEnv) {
	p := e.span("parent")
	ps := e.activate(e.mgr, p, true)
	ns := e.activate(e.mgr, nil, true)
	if ns == nil {
		e.errorf("Activate(nil) returned nil")
		return
	}
	e.wantActive(ns, "after Activate(nil)")
	if sp := ns.Span(); sp != nil {
		e.errorf("the nil span's Scope.Span() = %s, want nil", spanString(sp))
	}
	if c := e.tr.start("child", e.mgr); c.parent != 0 {
		e.errorf("a span started under the nil span's scope has parent %d, want none", c.parent)
	}
	ns.Close()
	e.wantActive(ps, "after closing the nil span's scope")
	e.wantFinished(p, 0)
	ps.Close()
	e.wantActive(nil, "after closing both")
	e.wantFinished(p, 1)
	e.wantMisuse()
}

// spawnChild starts a child of the root task, with the manager the child
// uses. Call it from the driver.
func (e *exampleEnv) spawnChild() (worker, opentracing.ScopeManager) {
	mgr := e.mgr
	if f := e.c.spawnManager; f != nil {
		e.in(func() { mgr = f(e.mgr) })
	}
	return e.r.spawn(e.r.root(), startHere), mgr
}

// active returns the root task's active scope. Call it from the driver.
func (e *exampleEnv) active() (sc opentracing.Scope) {
	e.in(func() { sc = e.mgr.Active() })
	return sc
}

func checkSpawnPropagation(e *exampleEnv) {
	p, c := e.span("parent"), e.span("child")
	var ps, cs opentracing.Scope
	e.in(func() { ps = e.activate(e.mgr, p, true) })
	w, mgr := e.spawnChild()
	var inChild opentracing.Scope
	w.do(func() {
		inChild = mgr.Active()
		cs = e.activate(mgr, c, true)
	})
	afterChildActivate := e.active()
	switch e.c.rule {
	case None:
		if inChild != nil {
			e.errorf("a spawned task sees %s active, want nil (propagation None)", e.describe(inChild))
		}
	default:
		if inChild != ps {
			e.errorf("a spawned task sees %s active, want the parent's (propagation %v)", e.describe(inChild), e.c.rule)
		}
	}
	want := ps
	if e.c.rule == Shared {
		want = cs
	}
	if afterChildActivate != want {
		e.errorf("after the child activates, the parent sees %s, want %s (propagation %v)",
			e.describe(afterChildActivate), e.describe(want), e.c.rule)
	}
	w.do(cs.Close)
	if got := e.active(); got != ps {
		e.errorf("after the child closed its scope, the parent sees %s, want its own", e.describe(got))
	}
	e.in(ps.Close)
	if got := e.active(); got != nil {
		e.errorf("after closing everything, Active() = %s, want nil", e.describe(got))
	}
	e.wantMisuse()
}

func checkCloseFromOtherTask(e *exampleEnv) {
	s := e.span("a")
	var sc opentracing.Scope
	e.in(func() { sc = e.activate(e.mgr, s, true) })
	w, _ := e.spawnChild()
	w.do(sc.Close)
	if e.c.rule == Shared {
		// The child shares the stack: its Close is an ordinary one.
		if got := e.active(); got != nil {
			e.errorf("after a task of the same stack closed the scope, Active() = %s, want nil", e.describe(got))
		}
		e.wantFinished(s, 1)
		e.wantMisuse()
		return
	}
	if got := e.active(); got != sc {
		e.errorf("after another task tried to close the scope, Active() = %s, want the scope", e.describe(got))
	}
	e.wantFinished(s, 0)
	e.wantMisuse(opentracing.MisuseCloseFromOtherTask)
	e.in(sc.Close)
	if got := e.active(); got != nil {
		e.errorf("after the owner closed it, Active() = %s, want nil", e.describe(got))
	}
	e.wantFinished(s, 1)
}
