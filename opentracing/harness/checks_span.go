package harness

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
)

// epoch is the fixed time the checks use for explicit timestamps.
var epoch = time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC)

var spanChecks = []checkDef{
	{"StartSpanFinish", 0, checkStartSpanFinish},
	{"StartSpanEveryOption", 0, checkStartSpanEveryOption},
	{"StartSpanReferences", 0, checkStartSpanReferences},
	{"NilReferenceIgnored", 0, checkNilReferenceIgnored},
	{"StartChildSpan", 0, checkStartChildSpan},
	{"FinishWithOptions", 0, checkFinishWithOptions},
	{"SetOperationName", 0, checkSetOperationName},
	{"TagValueTypes", 0, checkTagValueTypes},
	{"UnicodeTags", 0, checkUnicodeTags},
	{"Chaining", 0, checkChaining},
	{"LogKV", 0, checkLogKV},
	{"LogFields", 0, checkLogFields},
	{"LogFieldsAt", 0, checkLogFieldsAt},
	{"DeprecatedLogging", 0, checkDeprecatedLogging},
	{"SpanIDsUnique", 0, checkSpanIDsUnique},
}

func checkStartSpanFinish(e *env) {
	sp := e.start("Fry", opentracing.Tag{Key: "birthday", Value: "August 14 1974"})
	if sp.Context() == nil {
		e.errorf("Span.Context() = nil, want a SpanContext")
	}
	if got := sp.Tracer(); !same(got, e.tracer) {
		e.errorf("Span.Tracer() = %s, want the tracer that started it (%s)", describe(got), describe(e.tracer))
	}
	sp.LogFields(log.String("hospital", "Brooklyn Pre-Med Hospital"), log.String("city", "Old New York"))
	sp.Finish()
	e.wantName("StartSpan(\"Fry\")", sp, "Fry")
	if sp.Context() == nil {
		e.errorf("Span.Context() after Finish = nil, want the SpanContext (it stays valid)")
	}
}

func checkStartSpanEveryOption(e *env) {
	parent := e.start("parent")
	defer parent.Finish()
	tests := []struct {
		name string
		opts []opentracing.StartSpanOption
	}{
		{"Tag", []opentracing.StartSpanOption{opentracing.Tag{Key: "k", Value: "v"}}},
		{"Tags", []opentracing.StartSpanOption{opentracing.Tags{"a": 1, "b": true, "c": "x"}}},
		{"EmptyTags", []opentracing.StartSpanOption{opentracing.Tags(nil)}},
		{"StartTime", []opentracing.StartSpanOption{opentracing.StartTime(epoch)}},
		{"IgnoreActiveSpan", []opentracing.StartSpanOption{opentracing.IgnoreActiveSpan()}},
		{"FinishOnCloseTrue", []opentracing.StartSpanOption{opentracing.FinishOnClose(true)}},
		{"FinishOnCloseFalse", []opentracing.StartSpanOption{opentracing.FinishOnClose(false)}},
		{"ChildOf", []opentracing.StartSpanOption{opentracing.ChildOf(parent.Context())}},
		{"FollowsFrom", []opentracing.StartSpanOption{opentracing.FollowsFrom(parent.Context())}},
		{"All", []opentracing.StartSpanOption{
			opentracing.ChildOf(parent.Context()),
			opentracing.Tag{Key: "k", Value: "v"},
			opentracing.Tags{"n": 42},
			opentracing.StartTime(epoch),
			opentracing.IgnoreActiveSpan(),
		}},
	}
	for _, tt := range tests {
		sp := e.start("option "+tt.name, tt.opts...)
		sp.Finish()
		scope := e.startActive("active option "+tt.name, tt.opts...)
		scope.Close()
		if opentracing.NewStartSpanOptions(nil, tt.opts...).KeepOpenOnClose {
			// FinishOnClose(false) left the span open: finish it by hand
			// so that no span is left unfinished.
			scope.Span().Finish()
		}
		if e.has(capScopes) {
			if a := e.tracer.ScopeManager().Active(); a != nil {
				e.errorf("StartActiveSpan(%s) then Close: Active() = %s, want nil", tt.name, describe(a))
				a.Close()
			}
		}
	}
}

func checkStartSpanReferences(e *env) {
	parent := e.start("parent")
	other := e.start("other", opentracing.IgnoreActiveSpan())
	defer other.Finish()
	defer parent.Finish()
	child := e.start("child", opentracing.ChildOf(parent.Context()), opentracing.Tag{Key: "k", Value: 1})
	follower := e.start("follower", opentracing.FollowsFrom(parent.Context()))
	both := e.start("both", opentracing.ChildOf(parent.Context()), opentracing.FollowsFrom(other.Context()))
	defer child.Finish()
	defer follower.Finish()
	defer both.Finish()
	p := e.probe()
	if p == nil {
		return
	}
	e.wantRefTypes("StartSpan with no reference", parent)
	e.wantRefTypes("StartSpan(IgnoreActiveSpan())", other)
	e.wantRefTypes("StartSpan(ChildOf(parent))", child, opentracing.ChildOfRef)
	e.wantRefTypes("StartSpan(FollowsFrom(parent))", follower, opentracing.FollowsFromRef)
	e.wantRefTypes("StartSpan(ChildOf(parent), FollowsFrom(other))", both, opentracing.ChildOfRef, opentracing.FollowsFromRef)
	if !p.IsParent(nil, parent) {
		e.errorf("StartSpan with no reference and nothing active: probe says it is not a root span")
	}
	if p.SameTrace(parent, other) {
		e.errorf("two root spans: probe says they share a trace, want distinct traces")
	}
	if !p.IsParent(parent, child) || !p.SameTrace(parent, child) {
		e.errorf("StartSpan(ChildOf(parent)): IsParent=%v SameTrace=%v, want both true",
			p.IsParent(parent, child), p.SameTrace(parent, child))
	}
	if !p.SameTrace(parent, follower) {
		e.errorf("StartSpan(FollowsFrom(parent)): not in the parent's trace")
	}
	if !p.IsParent(parent, both) || !p.SameTrace(parent, both) {
		e.errorf("StartSpan(ChildOf(parent), FollowsFrom(other)): want parent as parent (the first reference), IsParent=%v SameTrace=%v",
			p.IsParent(parent, both), p.SameTrace(parent, both))
	}
}

// wantRefTypes fails the check unless the ReferenceProbe, when there is
// one, reports the reference types want for span, or (as a tracer that
// keeps only the parent may) a leading part of them that is not empty.
// With no want, span must have no references at all. what says how span
// was started.
func (e *env) wantRefTypes(what string, span opentracing.Span, want ...opentracing.SpanReferenceType) {
	e.t.Helper()
	rp := e.referenceProbe()
	if rp == nil {
		return
	}
	got := rp.ReferenceTypes(span)
	if len(got) <= len(want) && slices.Equal(got, want[:len(got)]) && (len(got) > 0) == (len(want) > 0) {
		return
	}
	if len(want) > 1 {
		e.errorf("%s: probe ReferenceTypes = %v, want %v (or a leading part of it)", what, got, want)
	} else {
		e.errorf("%s: probe ReferenceTypes = %v, want %v", what, got, want)
	}
}

func checkNilReferenceIgnored(e *env) {
	tests := []struct {
		name string
		opt  opentracing.StartSpanOption
	}{
		{"ChildOf(nil)", opentracing.ChildOf(nil)},
		{"FollowsFrom(nil)", opentracing.FollowsFrom(nil)},
		{"SpanReference{}", opentracing.SpanReference{}},
	}
	for _, tt := range tests {
		sp := e.start("nil ref", tt.opt)
		if p := e.probe(); p != nil && !p.IsParent(nil, sp) {
			e.errorf("StartSpan(%s) with nothing active: not a root span, want the nil reference ignored", tt.name)
		}
		e.wantRefTypes("StartSpan("+tt.name+") with nothing active", sp)
		sp.Finish()
		if !e.has(capScopes | capProbe) {
			continue
		}
		active := e.startActive("active")
		child := e.start("nil ref under active", tt.opt)
		if !e.probe().IsParent(active.Span(), child) {
			e.errorf("StartSpan(%s) under an active span: want the active span as parent (the nil reference is ignored, so the implicit parent applies)", tt.name)
		}
		e.wantRefTypes("StartSpan("+tt.name+") under an active span (the implicit reference only)", child, opentracing.ChildOfRef)
		child.Finish()
		active.Close()
	}
}

func checkStartChildSpan(e *env) {
	parent := e.start("parent")
	child := opentracing.StartChildSpan(parent, "child", opentracing.Tag{Key: "k", Value: "v"})
	if child == nil {
		e.fatalf("StartChildSpan = nil, want a Span")
	}
	if p := e.probe(); p != nil && !p.IsParent(parent, child) {
		e.errorf("StartChildSpan(parent, ...): probe says parent is not its parent")
	}
	e.wantRefTypes("StartChildSpan(parent, ...)", child, opentracing.ChildOfRef)
	child.Finish()
	parent.Finish()
}

func checkFinishWithOptions(e *env) {
	sp := e.start("timed", opentracing.StartTime(epoch))
	sp.FinishWithOptions(opentracing.FinishOptions{
		FinishTime: epoch.Add(time.Second),
		LogRecords: []opentracing.LogRecord{{
			Timestamp: epoch.Add(time.Millisecond),
			Fields:    []log.Field{log.String("event", "done"), log.Int("count", 3)},
		}},
	})
	now := e.start("now")
	now.FinishWithOptions(opentracing.FinishOptions{})
	if tp := optional[TimeProbe](e); tp != nil {
		if got := tp.StartTime(sp); !got.Equal(epoch) {
			e.errorf("StartSpan(StartTime(%v)): probe StartTime = %v, want the time given", epoch, got)
		}
		if got, want := tp.FinishTime(sp), epoch.Add(time.Second); !got.Equal(want) {
			e.errorf("FinishWithOptions(FinishTime: %v): probe FinishTime = %v, want the time given", want, got)
		}
		start, finish := tp.StartTime(now), tp.FinishTime(now)
		if start.IsZero() || finish.IsZero() || finish.Before(start) {
			e.errorf("StartSpan then FinishWithOptions without times: probe StartTime = %v, FinishTime = %v, want non-zero times, finish no earlier than start", start, finish)
		}
	}
	e.wantLogs("FinishWithOptions(LogRecords: ...)", sp, wantLog{at: epoch.Add(time.Millisecond), fields: []log.Field{log.String("event", "done"), log.Int("count", 3)}})
	if p := e.probe(); p != nil {
		for _, s := range []opentracing.Span{sp, now} {
			if n := p.FinishCount(s); n != 1 {
				e.errorf("FinishWithOptions: probe FinishCount = %d, want 1", n)
			}
		}
	}
}

func checkSetOperationName(e *env) {
	sp := e.start("")
	e.wantName("StartSpan(\"\")", sp, "")
	if got := sp.SetOperationName("Farnsworth"); !same(got, sp) {
		e.errorf("SetOperationName returned %s, want the span itself", describe(got))
	}
	e.wantName("SetOperationName(\"Farnsworth\")", sp, "Farnsworth")
	sp.Finish()
}

// wantName fails the check unless the OperationNameProbe, when there is
// one, reports want as span's operation name.
func (e *env) wantName(what string, span opentracing.Span, want string) {
	e.t.Helper()
	if np := optional[OperationNameProbe](e); np != nil {
		if got := np.OperationName(span); got != want {
			e.errorf("%s: probe OperationName = %q, want %q", what, got, want)
		}
	}
}

// wantLog is a log record a check expects: at is its timestamp, or zero
// for "any non-zero time" (the tracer's now).
type wantLog struct {
	at     time.Time
	fields []log.Field
}

// wantLogs fails the check unless the LogProbe, when there is one,
// reports the records want for span: same timestamps, same field keys and
// values (as fmt.Sprint renders them).
func (e *env) wantLogs(what string, span opentracing.Span, want ...wantLog) {
	e.t.Helper()
	lp := optional[LogProbe](e)
	if lp == nil {
		return
	}
	got := lp.Logs(span)
	if len(got) != len(want) {
		e.errorf("%s: probe Logs has %d records, want %d", what, len(got), len(want))
		return
	}
	for i, w := range want {
		g := got[i]
		switch {
		case w.at.IsZero() && g.Timestamp.IsZero():
			e.errorf("%s: record %d has a zero timestamp, want the time it was logged", what, i)
		case !w.at.IsZero() && !g.Timestamp.Equal(w.at):
			e.errorf("%s: record %d has timestamp %v, want %v (the timestamp given)", what, i, g.Timestamp, w.at)
		}
		if gf, wf := renderFields(g.Fields), renderFields(w.fields); !slices.Equal(gf, wf) {
			e.errorf("%s: record %d has fields %q, want %q", what, i, gf, wf)
		}
	}
}

// renderFields renders fields as "key=value" for comparison.
func renderFields(fields []log.Field) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, fmt.Sprintf("%s=%v", f.Key(), f.Value()))
	}
	return out
}

func checkTagValueTypes(e *env) {
	sp := e.start("tags")
	values := []any{
		"string", true, false,
		int(-1), int8(-8), int16(-16), int32(-32), int64(-64),
		uint(1), uint8(8), uint16(16), uint32(32), uint64(1 << 63),
		float32(3.25), float64(6.5), "",
	}
	for _, v := range values {
		if got := sp.SetTag("tag", v); !same(got, sp) {
			e.errorf("SetTag(%q, %s) returned %s, want the span itself", "tag", describe(v), describe(got))
		}
	}
	// Chained, as Python's check does.
	sp.SetTag("age", 24).SetTag("human", true).SetTag("work", "delivery boy")
	sp.Finish()
	startTags := opentracing.Tags{"i": 1, "b": true, "s": "x", "f": 1.5, "u": uint16(7)}
	atStart := e.start("tags at start", startTags)
	atStart.Finish()

	tp := optional[TagProbe](e)
	if tp == nil {
		return
	}
	typed := e.start("typed tags")
	want := map[string]any{}
	for i, v := range values {
		k := fmt.Sprintf("tag-%d-%T", i, v)
		typed.SetTag(k, v)
		want[k] = v
	}
	typed.Finish()
	e.wantTags("SetTag", tp.Tags(typed), want)
	e.wantTags("StartSpan(Tags{...})", tp.Tags(atStart), startTags)
}

// wantTags fails the check unless got holds every tag of want with the
// same value and Go type.
func (e *env) wantTags(what string, got, want map[string]any) {
	e.t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		switch w := want[k]; {
		case !ok:
			e.errorf("%s(%q, %s): probe Tags has no %q", what, k, describe(w), k)
		case reflect.TypeOf(g) != reflect.TypeOf(w) || !same(g, w):
			e.errorf("%s(%q, %s): probe Tags[%q] = %s, want the value with its Go type", what, k, describe(w), k, describe(g))
		}
	}
}

func checkUnicodeTags(e *env) {
	sp := e.start("unicode ☃")
	got := sp.SetTag("unicode_val", "non-ascii: \u200b ☃ 😀").SetTag("unicode_key_\u200b", "ascii").SetTag("☃", 1)
	if !same(got, sp) {
		e.errorf("chained SetTag with unicode returned %s, want the span itself", describe(got))
	}
	sp.SetOperationName("日本語 🚀")
	sp.LogKV("ключ", "значение ☃")
	sp.Finish()
}

func checkChaining(e *env) {
	sp := e.start("chain")
	got := sp.SetOperationName("chained").SetTag("k", "v").SetBaggageItem("b", "c").SetTag("n", 2).SetOperationName("again")
	if !same(got, sp) {
		e.errorf("SetOperationName/SetTag/SetBaggageItem chain returned %s, want the span itself", describe(got))
	}
	sp.Finish()
}

func checkLogKV(e *env) {
	sp := e.start("logkv")
	sp.LogKV(
		"event", "birthplace",
		"string", "s", "bool", true, "int", 1, "int8", int8(1), "int16", int16(1), "int32", int32(1), "int64", int64(1),
		"uint", uint(1), "uint8", uint8(1), "uint16", uint16(1), "uint32", uint32(1), "uint64", uint64(1),
		"float32", float32(1.5), "float64", 2.5,
		"error", errors.New("boom"), "object", struct{ A int }{A: 1}, "nil", nil,
	)
	sp.LogKV()
	// Malformed lists are recorded as errors by the tracer, never a panic.
	sp.LogKV("odd")
	sp.LogKV(1, "non-string key")
	sp.Finish()
}

func checkLogFields(e *env) {
	sp := e.start("logfields")
	sp.LogFields(
		log.String("string", "s"), log.Bool("bool", true), log.Int("int", 1), log.Int32("int32", 1),
		log.Int64("int64", 1), log.Uint32("uint32", 1), log.Uint64("uint64", 1),
		log.Float32("float32", 1.5), log.Float64("float64", 2.5),
		log.Error(errors.New("boom")), log.Error(nil), log.Object("object", []int{1, 2}), log.Object("nil", nil),
		log.Event("event"), log.Message("message"), log.Noop(),
		log.Lazy(func(enc log.Encoder) { enc.EmitString("lazy", "value") }),
	)
	sp.LogFields()
	sp.Finish()
}

func checkLogFieldsAt(e *env) {
	sp := e.start("logat", opentracing.StartTime(epoch))
	sp.LogFieldsAt(epoch.Add(time.Millisecond), log.Event("with timestamp"), log.Int("n", 1))
	sp.LogFields(log.Event("without timestamp"))
	sp.LogFieldsAt(time.Time{}, log.Event("zero timestamp means now"))
	sp.FinishWithOptions(opentracing.FinishOptions{FinishTime: epoch.Add(time.Hour)})
	e.wantLogs("LogFieldsAt, LogFields, LogFieldsAt(zero time)", sp,
		wantLog{at: epoch.Add(time.Millisecond), fields: []log.Field{log.String("event", "with timestamp"), log.Int("n", 1)}},
		wantLog{fields: []log.Field{log.String("event", "without timestamp")}},
		wantLog{fields: []log.Field{log.String("event", "zero timestamp means now")}},
	)
}

// checkSpanIDsUnique starts spans in several traces, from several
// goroutines at once; with an IDProbe, no two may share a span id, and a
// child has its parent's trace id.
func checkSpanIDsUnique(e *env) {
	const goroutines, roots = 4, 25
	type family struct{ root, child, grandchild opentracing.SpanContext }
	families := make([][]family, goroutines)
	var wg sync.WaitGroup
	panics := make([]any, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			// A panic here would kill the test binary: Run recovers only
			// on the check's own goroutine.
			defer func() { panics[g] = recover() }()
			for range roots {
				root := e.tracer.StartSpan("root", opentracing.IgnoreActiveSpan())
				child := e.tracer.StartSpan("child", opentracing.ChildOf(root.Context()))
				grandchild := e.tracer.StartSpan("grandchild", opentracing.ChildOf(child.Context()))
				families[g] = append(families[g], family{root.Context(), child.Context(), grandchild.Context()})
				grandchild.Finish()
				child.Finish()
				root.Finish()
			}
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			e.fatalf("panic: %v (starting spans on %d goroutines at once)", p, goroutines)
		}
	}
	ip := optional[IDProbe](e)
	if ip == nil {
		return
	}
	seen := map[string]bool{}
	for _, fams := range families {
		for _, f := range fams {
			trace, _ := ip.IDs(f.root)
			for _, sc := range []opentracing.SpanContext{f.root, f.child, f.grandchild} {
				tid, sid := ip.IDs(sc)
				if seen[sid] {
					e.fatalf("span id %q given to two spans (of %d started on %d goroutines), want every span id unique", sid, 3*goroutines*roots, goroutines)
				}
				seen[sid] = true
				if tid != trace {
					e.errorf("descendant of a root span with trace id %q has trace id %q, want its root's", trace, tid)
				}
			}
		}
	}
}
