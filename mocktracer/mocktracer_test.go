package mocktracer_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
	"github.com/tracebed/tracebed/scope"
)

// spanIDs is a compact view of a span's identity for comparisons.
type spanIDs struct{ Trace, Span, Parent uint64 }

func idsOf(s *mocktracer.MockSpan) spanIDs {
	return spanIDs{s.TraceID(), s.SpanID(), s.ParentID()}
}

// scenario starts a root, a child and a grandchild, then another root.
func scenario(tr opentracing.Tracer) []spanIDs {
	root := tr.StartSpan("root")
	child := tr.StartSpan("child", opentracing.ChildOf(root.Context()))
	grand := tr.StartSpan("grand", opentracing.FollowsFrom(child.Context()))
	other := tr.StartSpan("other")
	var out []spanIDs
	for _, sp := range []opentracing.Span{root, child, grand, other} {
		sp.Finish()
		out = append(out, idsOf(mockSpan(sp)))
	}
	return out
}

func TestMockTracer_IDsDeterministic(t *testing.T) {
	want := []spanIDs{{1, 1, 0}, {1, 2, 1}, {1, 3, 2}, {4, 4, 0}}
	// Two tracers, and a third one used in between, must not influence
	// each other: ids are per tracer.
	a, b := mocktracer.New(), mocktracer.New()
	assert.Equal(t, want, scenario(a))
	scenario(mocktracer.New())
	assert.Equal(t, want, scenario(b))
}

func TestMockTracer_WithIDSource(t *testing.T) {
	ids := []uint64{0, 100, 200, 0, 300, 400}
	tr := mocktracer.New(mocktracer.WithIDSource(func() uint64 {
		id := ids[0]
		ids = ids[1:]
		return id
	}))
	got := scenario(tr)
	// 0 is skipped: it means "no parent".
	assert.Equal(t, []spanIDs{{100, 100, 0}, {100, 200, 100}, {100, 300, 200}, {400, 400, 0}}, got)

	zero := mocktracer.New(mocktracer.WithIDSource(func() uint64 { return 0 }))
	assert.Panics(t, func() { zero.StartSpan("op") })
}

func TestMockTracer_Clock(t *testing.T) {
	tr := newTracer() // epoch, epoch+1s, ...
	sec := func(n int) time.Time { return epoch.Add(time.Duration(n) * time.Second) }
	explicit := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

	a := tr.StartSpan("a")  // start = 0s
	a.LogKV("event", "x")   // 1s
	a.LogFieldsAt(explicit) // explicit
	a.Finish()              // 2s
	b := tr.StartSpan("b", opentracing.StartTime(explicit))
	b.FinishWithOptions(opentracing.FinishOptions{FinishTime: explicit.Add(time.Minute)})
	c := tr.StartSpan("c") // 3s
	c.FinishWithOptions(opentracing.FinishOptions{
		LogRecords: []opentracing.LogRecord{{Fields: []log.Field{log.Event("late")}}},
	}) // 4s, and the record without a timestamp gets the finish time

	ma, mb, mc := mockSpan(a), mockSpan(b), mockSpan(c)
	assert.Equal(t, sec(0), ma.StartTime())
	assert.Equal(t, sec(2), ma.FinishTime())
	require.Len(t, ma.Logs(), 2)
	assert.Equal(t, sec(1), ma.Logs()[0].Timestamp)
	assert.Equal(t, explicit, ma.Logs()[1].Timestamp)
	assert.Equal(t, explicit, mb.StartTime())
	assert.Equal(t, explicit.Add(time.Minute), mb.FinishTime())
	assert.Equal(t, sec(3), mc.StartTime())
	assert.Equal(t, sec(4), mc.FinishTime())
	assert.Equal(t, []mocktracer.MockLogRecord{{Timestamp: sec(4), Fields: []mocktracer.MockKeyValue{
		{Key: "event", ValueKind: "string", ValueString: "late"},
	}}}, mc.Logs())
}

// TestMockTracer_DefaultClock: without WithClock, times come from the
// monotonic clock on top of the wall time at New. Compared with readings
// of time.Now taken around them (Time comparisons use the monotonic
// readings of both), they fall in order, and a span never ends before it
// starts.
func TestMockTracer_DefaultClock(t *testing.T) {
	before := time.Now()
	tr := mocktracer.New()
	a := tr.StartSpan("a").(*mocktracer.MockSpan)
	b := tr.StartSpan("b").(*mocktracer.MockSpan)
	b.Finish()
	a.Finish()
	after := time.Now()

	assert.False(t, a.StartTime().Before(before), "a started before the tracer was made")
	assert.False(t, b.StartTime().Before(a.StartTime()), "b started before a")
	assert.False(t, b.FinishTime().Before(b.StartTime()), "b finished before it started")
	assert.False(t, a.FinishTime().Before(b.FinishTime()), "a finished before b")
	assert.False(t, after.Before(a.FinishTime()), "a finished after the last time.Now")
	// The wall clock part is time.Now's, give or take its adjustments:
	// the same year, not the zero time or the Unix epoch.
	assert.Equal(t, before.Year(), a.StartTime().Year())

	// The clock advances: a span open while a microsecond passes lasts at
	// least that long.
	c := tr.StartSpan("c").(*mocktracer.MockSpan)
	for mark := time.Now(); time.Since(mark) < time.Microsecond; {
	}
	c.Finish()
	assert.GreaterOrEqual(t, c.FinishTime().Sub(c.StartTime()), time.Microsecond)
}

func TestMockSpan_Tags(t *testing.T) {
	tests := []struct {
		name  string
		value any
	}{
		{"string", "v"},
		{"unicode", "héllo, 世界 ✓"},
		{"bool", true},
		{"int", -7},
		{"int8", int8(-8)},
		{"uint16", uint16(16)},
		{"int64", int64(1) << 40},
		{"uint64", uint64(1) << 63},
		{"float32", float32(1.5)},
		{"float64", 2.25},
	}
	tr := newTracer()
	sp := tr.StartSpan("op", opentracing.Tag{Key: "start", Value: 1}, opentracing.Tags{"also": "yes"})
	for _, tt := range tests {
		assert.Same(t, sp, sp.SetTag(tt.name, tt.value), "SetTag must return the span")
	}
	sp.SetTag("start", 2) // overwrite
	sp.Finish()
	ms := mockSpan(sp)
	for _, tt := range tests {
		assert.Equal(t, tt.value, ms.Tag(tt.name), tt.name)
	}
	assert.Equal(t, 2, ms.Tag("start"))
	assert.Equal(t, "yes", ms.Tag("also"))
	assert.Nil(t, ms.Tag("missing"))
	tags := ms.Tags()
	assert.Len(t, tags, len(tests)+2)
	tags["start"] = 99 // a copy: the span is unchanged
	assert.Equal(t, 2, ms.Tag("start"))
}

func TestMockSpan_SetOperationNameChaining(t *testing.T) {
	tr := newTracer()
	sp := tr.StartSpan("first")
	sp.SetOperationName("second").SetTag("k", "v").SetBaggageItem("b", "1").Finish()
	ms := mockSpan(sp)
	assert.Equal(t, "second", ms.OperationName())
	assert.Equal(t, "v", ms.Tag("k"))
	assert.Equal(t, "1", ms.BaggageItem("b"))
	assert.True(t, ms.Finished())
	assert.Empty(t, tr.Misuses())
}

func TestMockSpan_Logs(t *testing.T) {
	type kv = mocktracer.MockKeyValue
	tests := []struct {
		name string
		log  func(sp opentracing.Span)
		want []kv
	}{
		{"LogKV types", func(sp opentracing.Span) {
			sp.LogKV("s", "v", "b", true, "i", 42, "i8", int8(-1), "i32", int32(3), "i64", int64(-4),
				"u8", uint8(5), "u32", uint32(6), "u64", uint64(7), "u", uint(8), "f32", float32(0.5), "f64", 1.25,
				"err", errors.New("boom"), "obj", []int{1, 2})
		}, []kv{
			{"s", "string", "v"}, {"b", "bool", "true"}, {"i", "int", "42"}, {"i8", "int32", "-1"},
			{"i32", "int32", "3"}, {"i64", "int64", "-4"}, {"u8", "uint32", "5"}, {"u32", "uint32", "6"},
			{"u64", "uint64", "7"}, {"u", "uint64", "8"}, {"f32", "float32", "0.5"}, {"f64", "float64", "1.25"},
			{"err", "string", "boom"}, {"obj", "object", "[1 2]"},
		}},
		{"LogKV unicode", func(sp opentracing.Span) { sp.LogKV("ключ", "値 ✓") }, []kv{{"ключ", "string", "値 ✓"}}},
		{"LogKV odd", func(sp opentracing.Span) { sp.LogKV("a", 1, "b") },
			[]kv{{"error", "string", "log: odd number of key/value arguments: 3 arguments"}}},
		{"LogKV non-string key", func(sp opentracing.Span) { sp.LogKV(1, 2) },
			[]kv{{"error", "string", "log: key is not a string: pair 0 has key int(1)"}}},
		{"LogFields", func(sp opentracing.Span) {
			sp.LogFields(log.String("s", "v"), log.Int("i", 1), log.Error(nil), log.Message("m"),
				log.Lazy(func(e log.Encoder) { e.EmitBool("lazy", false) }), log.Noop())
		}, []kv{{"s", "string", "v"}, {"i", "int", "1"}, {"error", "string", "<nil>"}, {"message", "string", "m"},
			{"lazy", "bool", "false"}}},
		//lint:ignore SA1019 the deprecated methods are part of the API under test
		{"LogEvent", func(sp opentracing.Span) { sp.LogEvent("ev") }, []kv{{"event", "string", "ev"}}},
		//lint:ignore SA1019 the deprecated methods are part of the API under test
		{"LogEventWithPayload", func(sp opentracing.Span) { sp.LogEventWithPayload("ev", 3) },
			[]kv{{"event", "string", "ev"}, {"payload", "object", "3"}}},
		//lint:ignore SA1019 the deprecated methods are part of the API under test
		{"Log", func(sp opentracing.Span) { sp.Log(opentracing.LogData{Event: "ev"}) }, []kv{{"event", "string", "ev"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracer()
			sp := tr.StartSpan("op") // clock: 0s
			tt.log(sp)               // 1s
			sp.Finish()
			logs := mockSpan(sp).Logs()
			require.Len(t, logs, 1)
			assert.Equal(t, epoch.Add(time.Second), logs[0].Timestamp)
			assert.Equal(t, tt.want, logs[0].Fields)
			assert.Empty(t, tr.Misuses())
		})
	}
}

func TestMockSpan_Baggage(t *testing.T) {
	tr := newTracer()
	parent := tr.StartSpan("parent")
	assert.Equal(t, "", parent.BaggageItem("k"))
	before := parent.Context()
	parent.SetBaggageItem("k", "v1").SetBaggageItem("ü", "✓")
	child := tr.StartSpan("child", opentracing.ChildOf(parent.Context()))
	parent.SetBaggageItem("k", "v2").SetBaggageItem("later", "x")
	child.SetBaggageItem("own", "c")

	assert.Equal(t, "v2", parent.BaggageItem("k"))
	assert.Equal(t, "v1", child.BaggageItem("k"), "a child copies the baggage at start")
	assert.Equal(t, "✓", child.BaggageItem("ü"))
	assert.Equal(t, "", child.BaggageItem("later"), "baggage reaches only future children")
	assert.Equal(t, "", parent.BaggageItem("own"), "a child's baggage never reaches its parent")
	assert.Empty(t, mockCtx(before).Baggage, "a context handed out earlier is immutable")

	var got [][2]string
	child.Context().ForeachBaggageItem(func(k, v string) bool {
		got = append(got, [2]string{k, v})
		return true
	})
	assert.Equal(t, [][2]string{{"k", "v1"}, {"own", "c"}, {"ü", "✓"}}, got, "sorted by key")
	n := 0
	child.Context().ForeachBaggageItem(func(k, v string) bool { n++; return false })
	assert.Equal(t, 1, n, "returning false stops the iteration")

	mc := mockSpan(child).MockContext()
	mc.Baggage["k"] = "mutated" // a copy
	assert.Equal(t, "v1", child.BaggageItem("k"))
}

func TestMockTracer_References(t *testing.T) {
	tr := newTracer()
	a := tr.StartSpan("a")
	b := tr.StartSpan("b")
	ac, bc := a.Context(), b.Context()
	ptr := mockCtx(bc)
	tests := []struct {
		name       string
		opts       []opentracing.StartSpanOption
		wantParent uint64
		wantTrace  uint64
		wantRefs   []opentracing.SpanReference
	}{
		{"root", nil, 0, 0, nil},
		{"child of", []opentracing.StartSpanOption{opentracing.ChildOf(ac)}, 1, 1,
			[]opentracing.SpanReference{opentracing.ChildOf(ac)}},
		{"follows from", []opentracing.StartSpanOption{opentracing.FollowsFrom(bc)}, 2, 2,
			[]opentracing.SpanReference{opentracing.FollowsFrom(bc)}},
		{"nil ignored", []opentracing.StartSpanOption{opentracing.ChildOf(nil), opentracing.FollowsFrom(bc)}, 2, 2,
			[]opentracing.SpanReference{opentracing.FollowsFrom(bc)}},
		{"first mock ref is the parent", []opentracing.StartSpanOption{
			opentracing.FollowsFrom(foreignContext{}), opentracing.ChildOf(bc), opentracing.ChildOf(ac)}, 2, 2,
			[]opentracing.SpanReference{opentracing.FollowsFrom(foreignContext{}), opentracing.ChildOf(bc), opentracing.ChildOf(ac)}},
		{"foreign only is a root", []opentracing.StartSpanOption{opentracing.ChildOf(foreignContext{})}, 0, 0,
			[]opentracing.SpanReference{opentracing.ChildOf(foreignContext{})}},
		{"pointer context", []opentracing.StartSpanOption{opentracing.ChildOf(&ptr)}, 2, 2,
			[]opentracing.SpanReference{opentracing.ChildOf(&ptr)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := mockSpan(tr.StartSpan("x", tt.opts...))
			assert.Equal(t, tt.wantParent, sp.ParentID())
			wantTrace := tt.wantTrace
			if wantTrace == 0 {
				wantTrace = sp.SpanID() // a root's trace id is its span id
			}
			assert.Equal(t, wantTrace, sp.TraceID())
			assert.Equal(t, tt.wantRefs, sp.References())
		})
	}
}

func TestMockTracer_ImplicitActiveParent(t *testing.T) {
	tr := newTracer()
	assert.Nil(t, tr.ActiveSpan())
	outer := tr.StartActiveSpan("outer")
	defer outer.Close()
	require.Same(t, outer.Span(), tr.ActiveSpan())
	outerCtx := mockCtx(outer.Span().Context())

	implicit := mockSpan(tr.StartSpan("implicit"))
	assert.Equal(t, outerCtx.SpanID, implicit.ParentID())
	assert.Equal(t, outerCtx.TraceID, implicit.TraceID())
	assert.Equal(t, []opentracing.SpanReference{opentracing.ChildOf(outerCtx)}, implicit.References())

	ignored := mockSpan(tr.StartSpan("ignored", opentracing.IgnoreActiveSpan()))
	assert.Zero(t, ignored.ParentID())
	assert.Equal(t, ignored.SpanID(), ignored.TraceID())
	assert.Empty(t, ignored.References())

	other := tr.StartSpan("other", opentracing.IgnoreActiveSpan())
	explicit := mockSpan(tr.StartSpan("explicit", opentracing.FollowsFrom(other.Context())))
	assert.Equal(t, mockCtx(other.Context()).SpanID, explicit.ParentID(), "an explicit reference wins")
	assert.Len(t, explicit.References(), 1)

	inner := tr.StartActiveSpan("inner")
	assert.Equal(t, outerCtx.SpanID, mockSpan(inner.Span()).ParentID())
	nested := mockSpan(tr.StartSpan("nested"))
	assert.Equal(t, mockSpan(inner.Span()).SpanID(), nested.ParentID())
	inner.Close()
	assert.Same(t, outer.Span(), tr.ActiveSpan(), "closing restores the previous scope")
}

func TestMockTracer_StartActiveSpanFinishOnClose(t *testing.T) {
	tests := []struct {
		name         string
		opts         []opentracing.StartSpanOption
		wantFinished bool
	}{
		{"default finishes", nil, true},
		{"FinishOnClose(true)", []opentracing.StartSpanOption{opentracing.FinishOnClose(true)}, true},
		{"FinishOnClose(false)", []opentracing.StartSpanOption{opentracing.FinishOnClose(false)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracer()
			sc := tr.StartActiveSpan("op", tt.opts...)
			assert.Same(t, tr.ScopeManager(), sc.Manager())
			assert.Same(t, sc, tr.ScopeManager().Active())
			sc.Close()
			assert.Nil(t, tr.ScopeManager().Active())
			assert.Nil(t, tr.ActiveSpan())
			assert.Equal(t, tt.wantFinished, mockSpan(sc.Span()).Finished())
			assert.Len(t, tr.FinishedSpans(), map[bool]int{true: 1}[tt.wantFinished])
			assert.Empty(t, tr.Misuses())
		})
	}
}

// TestMockTracer_DefaultScopeManagerMisuse checks that the default manager
// reports misuse to the tracer's record and ignores the call: a scope closed
// twice, out of order or from another goroutine changes nothing.
func TestMockTracer_DefaultScopeManagerMisuse(t *testing.T) {
	tests := []struct {
		name       string
		run        func(tr *mocktracer.MockTracer)
		wantMisuse []opentracing.MisuseKind
		wantActive string // operation name of the active span after run, "" for none
		// wantFinishes is the FinishCount of each span, by operation name.
		wantFinishes map[string]int
	}{
		{"close twice", func(tr *mocktracer.MockTracer) {
			a := tr.StartActiveSpan("a", opentracing.FinishOnClose(false))
			a.Close()
			a.Close()
		}, []opentracing.MisuseKind{opentracing.MisuseCloseTwice}, "", map[string]int{"a": 0}},
		{"close twice does not pop another scope", func(tr *mocktracer.MockTracer) {
			a := tr.StartActiveSpan("a")
			a.Close()
			tr.StartActiveSpan("b")
			a.Close()
		}, []opentracing.MisuseKind{opentracing.MisuseCloseTwice}, "b", map[string]int{"a": 1, "b": 0}},
		{"close out of order", func(tr *mocktracer.MockTracer) {
			a := tr.StartActiveSpan("a")
			b := tr.StartActiveSpan("b")
			a.Close()
			_ = b
		}, []opentracing.MisuseKind{opentracing.MisuseCloseOutOfOrder}, "b", map[string]int{"a": 0, "b": 0}},
		{"close out of order is ignored, then in order", func(tr *mocktracer.MockTracer) {
			a := tr.StartActiveSpan("a")
			b := tr.StartActiveSpan("b")
			a.Close()
			b.Close()
			a.Close()
		}, []opentracing.MisuseKind{opentracing.MisuseCloseOutOfOrder}, "", map[string]int{"a": 1, "b": 1}},
		{"close from another goroutine", func(tr *mocktracer.MockTracer) {
			a := tr.StartActiveSpan("a")
			var wg sync.WaitGroup
			wg.Go(a.Close)
			wg.Wait()
		}, []opentracing.MisuseKind{opentracing.MisuseCloseFromOtherTask}, "a", map[string]int{"a": 0}},
		{"finish on close after finish", func(tr *mocktracer.MockTracer) {
			a := tr.StartActiveSpan("a")
			a.Span().Finish()
			a.Close()
		}, []opentracing.MisuseKind{opentracing.MisuseFinishTwice}, "", map[string]int{"a": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracer()
			tt.run(tr)
			assert.Equal(t, tt.wantMisuse, misuseKinds(tr.Misuses()))
			active := ""
			if sp := tr.ActiveSpan(); sp != nil {
				active = mockSpan(sp).OperationName()
			}
			assert.Equal(t, tt.wantActive, active)
			finishes := map[string]int{}
			for _, sp := range tr.StartedSpans() {
				finishes[sp.OperationName()] = sp.FinishCount()
			}
			assert.Equal(t, tt.wantFinishes, finishes)
		})
	}
}

// TestMockTracer_DefaultScopeManagerIsGoroutineLocal checks that, without
// WithScopeManager, a span activated on one goroutine is not active on
// another, and that each goroutine's activations stay its own.
func TestMockTracer_DefaultScopeManagerIsGoroutineLocal(t *testing.T) {
	tr := newTracer()
	assert.IsType(t, (*scope.GoroutineLocal)(nil), tr.ScopeManager())

	activated, checked, done := make(chan opentracing.Span), make(chan struct{}), make(chan opentracing.Span)
	go func() {
		sc := tr.StartActiveSpan("a")
		activated <- sc.Span()
		<-checked
		active := tr.ActiveSpan() // still a, whatever the other goroutine activated
		sc.Close()
		done <- active
	}()
	a := <-activated

	assert.Nil(t, tr.ActiveSpan(), "the span of another goroutine is active here")
	assert.Nil(t, tr.ScopeManager().Active())
	root := mockSpan(tr.StartSpan("root"))
	assert.Zero(t, root.ParentID(), "a span started here took the other goroutine's span as parent")
	b := tr.StartActiveSpan("b")
	close(checked)
	assert.Same(t, a, <-done, "the other goroutine's active span changed")
	assert.Same(t, b.Span(), tr.ActiveSpan())
	b.Close()
	assert.Nil(t, tr.ActiveSpan())
	assert.Empty(t, tr.Misuses())
}

func TestMockSpan_Misuse(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(sp opentracing.Span)
		kind   opentracing.MisuseKind
	}{
		{"Finish", func(sp opentracing.Span) { sp.Finish() }, opentracing.MisuseFinishTwice},
		{"FinishWithOptions", func(sp opentracing.Span) {
			sp.FinishWithOptions(opentracing.FinishOptions{LogRecords: []opentracing.LogRecord{{}}})
		}, opentracing.MisuseFinishTwice},
		{"SetOperationName", func(sp opentracing.Span) { sp.SetOperationName("new") }, opentracing.MisuseMutateAfterFinish},
		{"SetTag", func(sp opentracing.Span) { sp.SetTag("k", "new") }, opentracing.MisuseMutateAfterFinish},
		{"SetBaggageItem", func(sp opentracing.Span) { sp.SetBaggageItem("b", "new") }, opentracing.MisuseMutateAfterFinish},
		{"LogKV", func(sp opentracing.Span) { sp.LogKV("k", "v") }, opentracing.MisuseMutateAfterFinish},
		{"LogFields", func(sp opentracing.Span) { sp.LogFields(log.Int("k", 1)) }, opentracing.MisuseMutateAfterFinish},
		{"LogFieldsAt", func(sp opentracing.Span) { sp.LogFieldsAt(epoch, log.Int("k", 1)) }, opentracing.MisuseMutateAfterFinish},
		//lint:ignore SA1019 the deprecated methods are part of the API under test
		{"LogEvent", func(sp opentracing.Span) { sp.LogEvent("e") }, opentracing.MisuseMutateAfterFinish},
		//lint:ignore SA1019 the deprecated methods are part of the API under test
		{"LogEventWithPayload", func(sp opentracing.Span) { sp.LogEventWithPayload("e", 1) }, opentracing.MisuseMutateAfterFinish},
		//lint:ignore SA1019 the deprecated methods are part of the API under test
		{"Log", func(sp opentracing.Span) { sp.Log(opentracing.LogData{Event: "e"}) }, opentracing.MisuseMutateAfterFinish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracer()
			sp := tr.StartSpan("op").SetTag("k", "old").SetBaggageItem("b", "old")
			sp.Finish()
			ms := mockSpan(sp)
			finishTime := ms.FinishTime()
			tt.mutate(sp)

			misuses := tr.Misuses()
			require.Len(t, misuses, 1)
			assert.Equal(t, tt.kind, misuses[0].Kind)
			assert.Equal(t, "op", misuses[0].Operation)
			assert.Contains(t, misuses[0].Detail, tt.name)
			// The call was ignored.
			assert.Equal(t, "op", ms.OperationName())
			assert.Equal(t, "old", ms.Tag("k"))
			assert.Equal(t, "old", sp.BaggageItem("b"))
			assert.Empty(t, ms.Logs())
			assert.Equal(t, finishTime, ms.FinishTime())
			assert.Len(t, tr.FinishedSpans(), 1, "a span finished twice is recorded once")
			assert.Equal(t, map[opentracing.MisuseKind]int{opentracing.MisuseFinishTwice: 2}[tt.kind]+
				map[opentracing.MisuseKind]int{opentracing.MisuseMutateAfterFinish: 1}[tt.kind], ms.FinishCount())
		})
	}
}

func TestMockTracer_Reset(t *testing.T) {
	tr := newTracer()
	done := tr.StartSpan("done")
	open := tr.StartSpan("open")
	done.Finish()
	done.Finish() // a misuse, cleared by Reset
	require.Len(t, tr.Misuses(), 1)
	require.Len(t, tr.FinishedSpans(), 1)

	tr.Reset()
	assert.Empty(t, tr.FinishedSpans())
	assert.Empty(t, tr.Misuses())
	assert.Equal(t, []*mocktracer.MockSpan{mockSpan(open)}, tr.StartedSpans(), "open spans stay started")

	after := tr.StartSpan("after")
	open.Finish()
	after.Finish()
	assert.Equal(t, []*mocktracer.MockSpan{mockSpan(open), mockSpan(after)}, tr.FinishedSpans(),
		"a span open at Reset is recorded when it finishes")
	assert.Equal(t, []*mocktracer.MockSpan{mockSpan(open), mockSpan(after)}, tr.StartedSpans())
	assert.Equal(t, uint64(3), mockSpan(after).SpanID(), "Reset does not restart the ids")
}

func TestMockTracer_StartedAndFinishedOrder(t *testing.T) {
	tr := newTracer()
	a := tr.StartSpan("a")
	b := tr.StartSpan("b")
	c := tr.StartSpan("c")
	b.Finish()
	c.Finish()
	a.Finish()
	names := func(spans []*mocktracer.MockSpan) []string {
		var out []string
		for _, s := range spans {
			out = append(out, s.OperationName())
		}
		return out
	}
	assert.Equal(t, []string{"a", "b", "c"}, names(tr.StartedSpans()))
	assert.Equal(t, []string{"b", "c", "a"}, names(tr.FinishedSpans()))
	got := tr.FinishedSpans()
	got[0] = nil // a copy
	assert.NotNil(t, tr.FinishedSpans()[0])
}

func TestMockSpan_SamplingPriority(t *testing.T) {
	tests := []struct {
		name        string
		startTags   opentracing.Tags
		setTag      any
		wantSampled bool
	}{
		{"default", nil, nil, true},
		{"start tag 0", opentracing.Tags{"sampling.priority": 0}, nil, false},
		{"SetTag uint16 0", nil, uint16(0), false},
		{"SetTag 1", opentracing.Tags{"sampling.priority": 0}, 1, true},
		{"non-numeric ignored", nil, "0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracer()
			sp := tr.StartSpan("op", tt.startTags)
			before := mockCtx(sp.Context())
			if tt.setTag != nil {
				sp.SetTag("sampling.priority", tt.setTag)
			}
			assert.Equal(t, tt.wantSampled, mockCtx(sp.Context()).Sampled)
			child := mockSpan(tr.StartSpan("child", opentracing.ChildOf(sp.Context())))
			assert.Equal(t, tt.wantSampled, child.MockContext().Sampled, "children inherit sampling")
			if tt.setTag != nil && tt.wantSampled != before.Sampled {
				assert.NotEqual(t, tt.wantSampled, before.Sampled, "a context handed out earlier is immutable")
			}
		})
	}
}

// recordingManager is a ScopeManager that never has an active scope and
// counts activations.
type recordingManager struct{ activated int }

func (m *recordingManager) Activate(sp opentracing.Span, finishOnClose bool) opentracing.Scope {
	m.activated++
	return nil
}
func (m *recordingManager) Active() opentracing.Scope { return nil }

func TestMockTracer_WithScopeManager(t *testing.T) {
	m := &recordingManager{}
	tr := mocktracer.New(mocktracer.WithScopeManager(m))
	assert.Same(t, m, tr.ScopeManager())
	tr.StartActiveSpan("op")
	assert.Equal(t, 1, m.activated)
	assert.Nil(t, tr.ActiveSpan())

	def := mocktracer.New(mocktracer.WithScopeManager(nil), mocktracer.WithClock(nil), mocktracer.WithIDSource(nil), nil)
	assert.NotNil(t, def.ScopeManager(), "nil options keep the defaults")
	assert.Equal(t, uint64(1), mockSpan(def.StartSpan("op")).SpanID())
}

func TestMockTracer_ReportMisuseFromOutside(t *testing.T) {
	tr := newTracer()
	sp := tr.StartSpan("op")
	m := opentracing.Misuse{Kind: opentracing.MisuseCloseFromOtherTask, Operation: "op", Detail: "by a manager"}
	opentracing.ReportMisuse(sp, m)
	assert.Equal(t, []opentracing.Misuse{m}, tr.Misuses())
}

func TestMockSpan_String(t *testing.T) {
	tr := newTracer()
	sp := tr.StartSpan("op").SetBaggageItem("k", "v")
	assert.Equal(t, `MockSpan{op="op" trace=1 span=1 parent=0 finished=false tags=0 logs=0}`, mockSpan(sp).String())
	assert.Equal(t, `MockSpanContext{trace=1 span=1 sampled=true "k"="v"}`, mockCtx(sp.Context()).String())
	assert.Same(t, tr, sp.Tracer())
}

// recorder is an Observer that lists what it was told.
type recorder struct{ events []string }

func (r *recorder) SpanStarted(s *mocktracer.MockSpan) {
	r.events = append(r.events, fmt.Sprintf("start %s #%d parent #%d", s.OperationName(), s.SpanID(), s.ParentID()))
}

func (r *recorder) SpanFinished(s *mocktracer.MockSpan) {
	r.events = append(r.events, fmt.Sprintf("finish %s #%d finished=%t", s.OperationName(), s.SpanID(), s.Finished()))
}

func TestMockTracer_WithObserver(t *testing.T) {
	first, second := &recorder{}, &recorder{}
	tr := mocktracer.New(mocktracer.WithObserver(first), mocktracer.WithObserver(nil), mocktracer.WithObserver(second))
	sc := tr.StartActiveSpan("parent")
	child := tr.StartSpan("child") // the active parent is its implicit parent
	child.Finish()
	child.Finish() // a misuse, not a second finish
	sc.Close()     // finishes parent
	want := []string{
		"start parent #1 parent #0",
		"start child #2 parent #1",
		"finish child #2 finished=true",
		"finish parent #1 finished=true",
	}
	assert.Equal(t, want, first.events)
	assert.Equal(t, want, second.events)
	assert.Len(t, tr.Misuses(), 1)
}
