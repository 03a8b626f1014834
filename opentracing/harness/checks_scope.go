package harness

import (
	"sync/atomic"

	"github.com/tracebed/tracebed/opentracing"
)

var scopeChecks = []checkDef{
	{"ActiveNilOnNewTracer", capScopes, checkActiveNilOnNewTracer},
	{"StartSpanDoesNotActivate", capScopes, checkStartSpanDoesNotActivate},
	{"ActivateAndClose", capScopes, checkActivateAndClose},
	{"ActivateFinishOnClose", capScopes, checkActivateFinishOnClose},
	{"StartActiveSpan", capScopes, checkStartActiveSpan},
	{"StartActiveSpanFinishOnClose", capScopes | capProbe, checkStartActiveSpanFinishOnClose},
	{"CloseRestoresPrevious", capScopes, checkCloseRestoresPrevious},
	{"ActiveSpanImplicitParent", capScopes | capProbe, checkActiveSpanImplicitParent},
	{"IgnoreActiveSpan", capScopes | capProbe, checkIgnoreActiveSpan},
	{"ExplicitParentOverridesActive", capScopes | capProbe, checkExplicitParentOverridesActive},
}

// countingSpan wraps a span and counts Finish calls, so that the
// ScopeManager checks need no Probe.
type countingSpan struct {
	opentracing.Span
	finishes atomic.Int32
}

func (s *countingSpan) Finish() { s.finishes.Add(1); s.Span.Finish() }
func (s *countingSpan) FinishWithOptions(o opentracing.FinishOptions) {
	s.finishes.Add(1)
	s.Span.FinishWithOptions(o)
}

// wantActive checks that span is the active span, by both
// ScopeManager().Active() and ActiveSpan().
func (e *env) wantActive(what string, span opentracing.Span) {
	e.t.Helper()
	if got := e.tracer.ActiveSpan(); !same(got, span) {
		e.errorf("%s: ActiveSpan() = %s, want %s", what, describe(got), describe(span))
	}
	a := e.tracer.ScopeManager().Active()
	if a == nil {
		e.errorf("%s: ScopeManager().Active() = nil, want the scope of %s", what, describe(span))
		return
	}
	if got := a.Span(); !same(got, span) {
		e.errorf("%s: Active().Span() = %s, want %s", what, describe(got), describe(span))
	}
}

// wantNoneActive checks that nothing is active.
func (e *env) wantNoneActive(what string) {
	e.t.Helper()
	if a := e.tracer.ScopeManager().Active(); a != nil {
		e.errorf("%s: ScopeManager().Active() = %s, want nil", what, describe(a))
	}
	if sp := e.tracer.ActiveSpan(); sp != nil {
		e.errorf("%s: ActiveSpan() = %s, want nil", what, describe(sp))
	}
}

func checkActiveNilOnNewTracer(e *env) {
	if e.tracer.ScopeManager() == nil {
		e.fatalf("ScopeManager() = nil, want a ScopeManager")
	}
	e.wantNoneActive("new tracer")
}

func checkStartSpanDoesNotActivate(e *env) {
	sp := e.start("Fry")
	e.wantNoneActive("after StartSpan")
	sp.Finish()
	e.wantNoneActive("after Finish")
}

func checkActivateAndClose(e *env) {
	sm := e.tracer.ScopeManager()
	sp := &countingSpan{Span: e.start("Fry")}
	scope := sm.Activate(sp, false)
	if scope == nil {
		e.fatalf("Activate = nil, want a Scope")
	}
	if got := scope.Span(); !same(got, opentracing.Span(sp)) {
		e.errorf("Activate(span).Span() = %s, want the span activated", describe(got))
	}
	if got := scope.Manager(); !same(got, sm) {
		e.errorf("Scope.Manager() = %s, want the tracer's ScopeManager %s", describe(got), describe(sm))
	}
	e.wantActive("inside Activate", sp)
	if a := sm.Active(); a != nil && !same(a, scope) {
		e.errorf("Active() = %s, want the Scope Activate returned (%s)", describe(a), describe(scope))
	}
	scope.Close()
	e.wantNoneActive("after Close")
	if n := sp.finishes.Load(); n != 0 {
		e.errorf("Activate(span, false) then Close: span finished %d times, want 0", n)
	}
	sp.Finish()
}

func checkActivateFinishOnClose(e *env) {
	sm := e.tracer.ScopeManager()
	sp := &countingSpan{Span: e.start("Fry")}
	scope := sm.Activate(sp, true)
	if scope == nil {
		e.fatalf("Activate = nil, want a Scope")
	}
	scope.Close()
	if n := sp.finishes.Load(); n != 1 {
		e.errorf("Activate(span, true) then Close: span finished %d times, want 1", n)
	}
	e.wantNoneActive("after Close")
}

func checkStartActiveSpan(e *env) {
	scope := e.startActive("Fry")
	e.wantActive("inside StartActiveSpan", scope.Span())
	if a := e.tracer.ScopeManager().Active(); a != nil && !same(a, scope) {
		e.errorf("Active() = %s, want the Scope StartActiveSpan returned (%s)", describe(a), describe(scope))
	}
	if got := scope.Manager(); !same(got, e.tracer.ScopeManager()) {
		e.errorf("Scope.Manager() = %s, want the tracer's ScopeManager", describe(got))
	}
	if p := e.probe(); p != nil && !p.IsParent(nil, scope.Span()) {
		e.errorf("StartActiveSpan with nothing active: not a root span")
	}
	scope.Close()
	e.wantNoneActive("after Close")
}

func checkStartActiveSpanFinishOnClose(e *env) {
	p := e.probe()
	tests := []struct {
		name string
		opts []opentracing.StartSpanOption
		want int
	}{
		{"default", nil, 1},
		{"FinishOnClose(true)", []opentracing.StartSpanOption{opentracing.FinishOnClose(true)}, 1},
		{"FinishOnClose(false)", []opentracing.StartSpanOption{opentracing.FinishOnClose(false)}, 0},
	}
	for _, tt := range tests {
		scope := e.startActive("Fry", tt.opts...)
		if n := p.FinishCount(scope.Span()); n != 0 {
			e.errorf("StartActiveSpan(%s): span already finished %d times before Close", tt.name, n)
		}
		scope.Close()
		if n := p.FinishCount(scope.Span()); n != tt.want {
			e.errorf("StartActiveSpan(%s) then Close: span finished %d times, want %d", tt.name, n, tt.want)
		}
		if tt.want == 0 {
			scope.Span().Finish()
		}
		e.wantNoneActive("after Close")
	}
}

func checkCloseRestoresPrevious(e *env) {
	a := e.startActive("a")
	b := e.startActive("b")
	sm := e.tracer.ScopeManager()
	cSpan := e.start("c")
	c := sm.Activate(cSpan, true)
	e.wantActive("three nested scopes", cSpan)
	if p := e.probe(); p != nil && !p.IsParent(a.Span(), b.Span()) {
		e.errorf("StartActiveSpan inside another: probe says the outer span is not its parent")
	}
	c.Close()
	e.wantActive("after closing the innermost", b.Span())
	b.Close()
	e.wantActive("after closing the middle", a.Span())
	a.Close()
	e.wantNoneActive("after closing all")
}

func checkActiveSpanImplicitParent(e *env) {
	p := e.probe()
	parent := e.startActive("parent")
	child := e.start("child")
	if !p.IsParent(parent.Span(), child) || !p.SameTrace(parent.Span(), child) {
		e.errorf("StartSpan with an active span: IsParent=%v SameTrace=%v, want the active span as parent",
			p.IsParent(parent.Span(), child), p.SameTrace(parent.Span(), child))
	}
	activeChild := e.startActive("active child")
	if !p.IsParent(parent.Span(), activeChild.Span()) {
		e.errorf("StartActiveSpan with an active span: want the active span as parent")
	}
	grandchild := e.start("grandchild")
	if !p.IsParent(activeChild.Span(), grandchild) {
		e.errorf("StartSpan under nested active spans: want the innermost active span as parent")
	}
	grandchild.Finish()
	activeChild.Close()
	child.Finish()
	parent.Close()
	orphan := e.start("after close")
	if !p.IsParent(nil, orphan) {
		e.errorf("StartSpan after every scope closed: want a root span")
	}
	orphan.Finish()
}

func checkIgnoreActiveSpan(e *env) {
	p := e.probe()
	parent := e.startActive("parent")
	sp := e.start("ignoring", opentracing.IgnoreActiveSpan())
	if !p.IsParent(nil, sp) || p.SameTrace(parent.Span(), sp) {
		e.errorf("StartSpan(IgnoreActiveSpan()) under an active span: IsParent(nil)=%v SameTrace=%v, want a root span of a new trace",
			p.IsParent(nil, sp), p.SameTrace(parent.Span(), sp))
	}
	sp.Finish()
	scope := e.startActive("ignoring active", opentracing.IgnoreActiveSpan())
	if p.IsParent(parent.Span(), scope.Span()) || !p.IsParent(nil, scope.Span()) {
		e.errorf("StartActiveSpan(IgnoreActiveSpan()) under an active span: want a root span")
	}
	e.wantActive("StartActiveSpan(IgnoreActiveSpan())", scope.Span())
	scope.Close()
	parent.Close()
}

func checkExplicitParentOverridesActive(e *env) {
	p := e.probe()
	explicit := e.start("explicit", opentracing.IgnoreActiveSpan())
	active := e.startActive("active")
	for _, ref := range []opentracing.SpanReference{
		opentracing.ChildOf(explicit.Context()),
		opentracing.FollowsFrom(explicit.Context()),
	} {
		child := e.start("child", ref)
		if p.IsParent(active.Span(), child) || !p.SameTrace(explicit, child) {
			e.errorf("StartSpan(%s(explicit)) under an active span: want the explicit reference, not the active span, as parent",
				ref.Type)
		}
		child.Finish()
	}
	active.Close()
	explicit.Finish()
}
