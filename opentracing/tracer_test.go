package opentracing_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
)

func ctxNamed(name string) opentracing.SpanContext { return &recContext{name} }

func TestNewStartSpanOptions_Folding(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	parent, other := ctxNamed("parent"), ctxNamed("other")
	tests := []struct {
		name string
		give []opentracing.StartSpanOption
		want opentracing.StartSpanOptions
	}{
		{"none", nil, opentracing.StartSpanOptions{}},
		{"nil option skipped", []opentracing.StartSpanOption{nil}, opentracing.StartSpanOptions{}},
		{"StartTime", []opentracing.StartSpanOption{opentracing.StartTime(start)}, opentracing.StartSpanOptions{StartTime: start}},
		{
			"Tags then Tag overrides",
			[]opentracing.StartSpanOption{opentracing.Tags{"a": 1, "b": 2}, opentracing.Tag{Key: "b", Value: 3}},
			opentracing.StartSpanOptions{Tags: map[string]any{"a": 1, "b": 3}},
		},
		{"empty Tags adds no map", []opentracing.StartSpanOption{opentracing.Tags{}}, opentracing.StartSpanOptions{}},
		{
			"references in order",
			[]opentracing.StartSpanOption{opentracing.ChildOf(parent), opentracing.FollowsFrom(other)},
			opentracing.StartSpanOptions{References: []opentracing.SpanReference{
				{Type: opentracing.ChildOfRef, ReferencedContext: parent},
				{Type: opentracing.FollowsFromRef, ReferencedContext: other},
			}},
		},
		{
			"nil references ignored",
			[]opentracing.StartSpanOption{opentracing.ChildOf(nil), opentracing.FollowsFrom(nil), opentracing.SpanReference{}},
			opentracing.StartSpanOptions{},
		},
		{"IgnoreActiveSpan", []opentracing.StartSpanOption{opentracing.IgnoreActiveSpan()}, opentracing.StartSpanOptions{IgnoreActiveSpan: true}},
		{"FinishOnClose(false)", []opentracing.StartSpanOption{opentracing.FinishOnClose(false)}, opentracing.StartSpanOptions{KeepOpenOnClose: true}},
		{"FinishOnClose(true)", []opentracing.StartSpanOption{opentracing.FinishOnClose(true)}, opentracing.StartSpanOptions{}},
		{
			"last FinishOnClose wins",
			[]opentracing.StartSpanOption{opentracing.FinishOnClose(false), opentracing.FinishOnClose(true)},
			opentracing.StartSpanOptions{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, opentracing.NewStartSpanOptions(nil, tt.give...))
		})
	}
}

func TestNewStartSpanOptions_ImplicitParent(t *testing.T) {
	sm := &stackManager{}
	active := &recSpan{ctx: &recContext{"active"}}
	explicit := ctxNamed("explicit")
	childOfActive := []opentracing.SpanReference{{Type: opentracing.ChildOfRef, ReferencedContext: active.ctx}}
	tests := []struct {
		name     string
		activate bool
		give     []opentracing.StartSpanOption
		wantRefs []opentracing.SpanReference
	}{
		{"nothing active", false, nil, nil},
		{"active span becomes CHILD_OF parent", true, nil, childOfActive},
		{"IgnoreActiveSpan", true, []opentracing.StartSpanOption{opentracing.IgnoreActiveSpan()}, nil},
		{"nil reference still gets the implicit parent", true, []opentracing.StartSpanOption{opentracing.ChildOf(nil)}, childOfActive},
		{
			"explicit reference wins", true, []opentracing.StartSpanOption{opentracing.FollowsFrom(explicit)},
			[]opentracing.SpanReference{{Type: opentracing.FollowsFromRef, ReferencedContext: explicit}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.activate {
				scope := sm.Activate(active, false)
				defer scope.Close()
			}
			got := opentracing.NewStartSpanOptions(sm, tt.give...)
			assert.Equal(t, tt.wantRefs, got.References)
		})
	}
	assert.Nil(t, sm.Active(), "every scope closed")
}

func TestNewStartSpanOptions_NilScopeManagerAndNoopManager(t *testing.T) {
	assert.Empty(t, opentracing.NewStartSpanOptions(nil).References)
	assert.Empty(t, opentracing.NewStartSpanOptions(opentracing.NoopScopeManager{}).References)
}

func TestTags_ApplyCopies(t *testing.T) {
	tags := opentracing.Tags{"a": 1}
	o := opentracing.NewStartSpanOptions(nil, tags, opentracing.Tag{Key: "b", Value: 2})
	assert.Equal(t, opentracing.Tags{"a": 1}, tags, "applying must not write into the caller's map")
	assert.Equal(t, map[string]any{"a": 1, "b": 2}, o.Tags)
}

func TestTag_Set(t *testing.T) {
	var got []any
	sp := &tagSpan{set: func(k string, v any) { got = append(got, k, v) }}
	opentracing.Tag{Key: "k", Value: 1}.Set(sp)
	assert.Equal(t, []any{"k", 1}, got)
}

type tagSpan struct {
	opentracing.Span
	set func(k string, v any)
}

func (s *tagSpan) SetTag(k string, v any) opentracing.Span { s.set(k, v); return s }

func TestStartChildSpan(t *testing.T) {
	tr := newRecTracer()
	parent := tr.StartSpan("parent")
	opts := make([]opentracing.StartSpanOption, 1, 4)
	opts[0] = opentracing.Tag{Key: "k", Value: "v"}
	child := opentracing.StartChildSpan(parent, "child", opts...)
	require.NotNil(t, child)
	got := tr.last()
	assert.Equal(t, []opentracing.SpanReference{opentracing.ChildOf(parent.Context())}, got.References)
	assert.Equal(t, map[string]any{"k": "v"}, got.Tags)
	assert.Equal(t, opentracing.Tag{Key: "k", Value: "v"}, opts[:2][0], "the caller's slice is untouched")
	assert.Nil(t, opts[:2][1], "the caller's spare capacity is untouched")
}

func TestStringers(t *testing.T) {
	tests := []struct {
		give interface{ String() string }
		want string
	}{
		{opentracing.ChildOfRef, "child_of"},
		{opentracing.FollowsFromRef, "follows_from"},
		{opentracing.SpanReferenceType(0), "unknown_reference"},
		{opentracing.Binary, "binary"},
		{opentracing.TextMap, "text_map"},
		{opentracing.HTTPHeaders, "http_headers"},
		{opentracing.BuiltinFormat(0), "unknown_format"},
		{opentracing.MisuseFinishTwice, "finish_twice"},
		{opentracing.MisuseMutateAfterFinish, "mutate_after_finish"},
		{opentracing.MisuseCloseTwice, "close_twice"},
		{opentracing.MisuseCloseOutOfOrder, "close_out_of_order"},
		{opentracing.MisuseCloseFromOtherTask, "close_from_other_task"},
		{opentracing.MisuseKind(0), "unknown_misuse"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.String())
	}
}

// misuseTracer records the misuse reported to it.
type misuseTracer struct {
	opentracing.NoopTracer
	got []opentracing.Misuse
}

func (t *misuseTracer) ReportMisuse(m opentracing.Misuse) { t.got = append(t.got, m) }

type tracerSpan struct {
	opentracing.Span
	tracer opentracing.Tracer
}

func (s tracerSpan) Tracer() opentracing.Tracer { return s.tracer }

func TestReportMisuse(t *testing.T) {
	tr := &misuseTracer{}
	m := opentracing.Misuse{Kind: opentracing.MisuseCloseTwice, Operation: "op", Detail: "closed twice"}
	opentracing.ReportMisuse(tracerSpan{tracer: tr}, m)
	assert.Equal(t, []opentracing.Misuse{m}, tr.got)

	assert.NotPanics(t, func() { opentracing.ReportMisuse(nil, m) })
	assert.NotPanics(t, func() { opentracing.ReportMisuse(opentracing.NoopTracer{}.StartSpan("x"), m) })
}

func TestLogData_ToLogRecord(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ld := opentracing.LogData{Timestamp: ts, Event: "ev", Payload: 42}
	rec := ld.ToLogRecord()
	assert.Equal(t, ts, rec.Timestamp)
	require.Len(t, rec.Fields, 2)
	assert.Equal(t, "event:ev", rec.Fields[0].String())
	assert.Equal(t, "payload:42", rec.Fields[1].String())

	noPayload := opentracing.LogData{Event: "ev"}
	assert.Len(t, noPayload.ToLogRecord().Fields, 1)
}
