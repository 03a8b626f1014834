package harness

import (
	"maps"

	"github.com/tracebed/tracebed/opentracing"
)

var baggageChecks = []checkDef{
	{"BaggageEmptyOnNewSpan", 0, checkBaggageEmptyOnNewSpan},
	{"BaggageSetGet", capBaggage, checkBaggageSetGet},
	{"BaggageMultiAndStop", capBaggage, checkBaggageMultiAndStop},
	{"BaggageUnicode", capBaggage, checkBaggageUnicode},
	{"BaggageToFutureChildren", capBaggage, checkBaggageToFutureChildren},
	{"BaggageContextImmutable", capBaggage, checkBaggageContextImmutable},
}

func checkBaggageEmptyOnNewSpan(e *env) {
	sp := e.start("Fry")
	defer sp.Finish()
	if got := baggage(sp.Context()); len(got) != 0 {
		e.errorf("new span: baggage = %v, want none", got)
	}
	if got := sp.BaggageItem("Kiff-loves"); got != "" {
		e.errorf("new span: BaggageItem(%q) = %q, want \"\"", "Kiff-loves", got)
	}
	if got := sp.SetBaggageItem("Kiff-loves", "Amy"); !same(got, sp) {
		e.errorf("SetBaggageItem returned %s, want the span itself", describe(got))
	}
}

func checkBaggageSetGet(e *env) {
	sp := e.start("Fry")
	defer sp.Finish()
	sp.SetBaggageItem("Kiff-loves", "Amy")
	if got := sp.BaggageItem("Kiff-loves"); got != "Amy" {
		e.errorf("BaggageItem(%q) = %q, want %q", "Kiff-loves", got, "Amy")
	}
	calls := 0
	sp.Context().ForeachBaggageItem(func(k, v string) bool {
		calls++
		if k != "Kiff-loves" || v != "Amy" {
			e.errorf("ForeachBaggageItem: got %q=%q, want Kiff-loves=Amy", k, v)
		}
		return true
	})
	if calls != 1 {
		e.errorf("ForeachBaggageItem called the handler %d times, want 1", calls)
	}
	sp.SetBaggageItem("Kiff-loves", "Amy Wong")
	if got := sp.BaggageItem("Kiff-loves"); got != "Amy Wong" {
		e.errorf("BaggageItem after overwrite = %q, want %q", got, "Amy Wong")
	}
	if got := sp.BaggageItem("absent"); got != "" {
		e.errorf("BaggageItem(%q) = %q, want \"\"", "absent", got)
	}
}

func checkBaggageMultiAndStop(e *env) {
	sp := e.start("multi")
	defer sp.Finish()
	sp.SetBaggageItem("one", "1").SetBaggageItem("two", "2")
	want := map[string]string{"one": "1", "two": "2"}
	if got := baggage(sp.Context()); !maps.Equal(got, want) {
		e.errorf("baggage = %v, want %v", got, want)
	}
	calls := 0
	sp.Context().ForeachBaggageItem(func(k, v string) bool {
		calls++
		return false
	})
	if calls != 1 {
		e.errorf("ForeachBaggageItem with a handler that returns false: %d calls, want 1", calls)
	}
}

func checkBaggageUnicode(e *env) {
	sp := e.start("unicode")
	defer sp.Finish()
	sp.SetBaggageItem("ключ-☃", "значение 😀 \u200b")
	if got := sp.BaggageItem("ключ-☃"); got != "значение 😀 \u200b" {
		e.errorf("unicode BaggageItem = %q, want %q", got, "значение 😀 \u200b")
	}
}

func checkBaggageToFutureChildren(e *env) {
	parent := e.start("parent")
	defer parent.Finish()
	before := e.start("child before", opentracing.ChildOf(parent.Context()))
	defer before.Finish()
	parent.SetBaggageItem("Kiff-loves", "Amy")
	want := map[string]string{"Kiff-loves": "Amy"}

	children := map[string]opentracing.Span{
		"ChildOf":        e.start("child of", opentracing.ChildOf(parent.Context())),
		"FollowsFrom":    e.start("follows from", opentracing.FollowsFrom(parent.Context())),
		"StartChildSpan": opentracing.StartChildSpan(parent, "start child span"),
	}
	if e.has(capScopes) {
		scope := e.tracer.ScopeManager().Activate(parent, false)
		children["implicit parent"] = e.start("implicit")
		scope.Close()
	}
	for _, name := range []string{"ChildOf", "FollowsFrom", "StartChildSpan", "implicit parent"} {
		child, ok := children[name]
		if !ok {
			continue
		}
		if got := child.BaggageItem("Kiff-loves"); got != "Amy" {
			e.errorf("%s child started after SetBaggageItem: BaggageItem = %q, want %q", name, got, "Amy")
		}
		if got := baggage(child.Context()); !maps.Equal(got, want) {
			e.errorf("%s child: context baggage = %v, want %v", name, got, want)
		}
		child.Finish()
	}
	if got := before.BaggageItem("Kiff-loves"); got != "" {
		e.errorf("child started before SetBaggageItem: BaggageItem = %q, want \"\" (baggage reaches future children only)", got)
	}

	grand := e.start("grandchild", opentracing.ChildOf(parent.Context()))
	grand.SetBaggageItem("child-only", "x")
	if got := parent.BaggageItem("child-only"); got != "" {
		e.errorf("baggage set on a child leaked to its parent: BaggageItem = %q, want \"\"", got)
	}
	sibling := e.start("sibling", opentracing.ChildOf(parent.Context()))
	if got := sibling.BaggageItem("child-only"); got != "" {
		e.errorf("baggage set on a child leaked to its sibling: BaggageItem = %q, want \"\"", got)
	}
	grand.Finish()
	sibling.Finish()
}

func checkBaggageContextImmutable(e *env) {
	sp := e.start("immutable")
	defer sp.Finish()
	old := sp.Context()
	sp.SetBaggageItem("k", "v")
	if got := baggage(old); len(got) != 0 {
		e.errorf("SpanContext taken before SetBaggageItem now has baggage %v, want none (a SpanContext is immutable)", got)
	}
	if got := baggage(sp.Context()); got["k"] != "v" {
		e.errorf("SpanContext after SetBaggageItem: baggage = %v, want k=v", got)
	}
}
