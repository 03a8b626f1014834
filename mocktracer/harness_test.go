package mocktracer_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/harness"
	"github.com/tracebed/tracebed/opentracing/log"
)

// probe answers the harness's questions from MockSpan ids.
type probe struct{}

var (
	_ harness.Probe          = probe{}
	_ harness.ReferenceProbe = probe{}
)

func asMock(sp opentracing.Span) (*mocktracer.MockSpan, bool) {
	ms, ok := sp.(*mocktracer.MockSpan)
	return ms, ok
}

func (probe) SameTrace(a, b opentracing.Span) bool {
	ma, ok1 := asMock(a)
	mb, ok2 := asMock(b)
	return ok1 && ok2 && ma.TraceID() == mb.TraceID()
}

func (probe) SameSpanContext(span opentracing.Span, sc opentracing.SpanContext) bool {
	ms, ok1 := asMock(span)
	msc, ok2 := sc.(mocktracer.MockSpanContext)
	return ok1 && ok2 && ms.TraceID() == msc.TraceID && ms.SpanID() == msc.SpanID
}

func (probe) IsParent(parent, child opentracing.Span) bool {
	mc, ok := asMock(child)
	if !ok {
		return false
	}
	if parent == nil {
		return mc.ParentID() == 0
	}
	mp, ok := asMock(parent)
	return ok && mc.ParentID() == mp.SpanID() && mc.TraceID() == mp.TraceID()
}

func (probe) FinishCount(span opentracing.Span) int {
	if ms, ok := asMock(span); ok {
		return ms.FinishCount()
	}
	return 0
}

// ReferenceTypes reports the types of MockSpan.References, which keeps
// every reference the span was started with, the implicit one included.
func (probe) ReferenceTypes(span opentracing.Span) []opentracing.SpanReferenceType {
	ms, ok := asMock(span)
	if !ok {
		return nil
	}
	var types []opentracing.SpanReferenceType
	for _, r := range ms.References() {
		types = append(types, r.Type)
	}
	return types
}

var (
	_ harness.TimeProbe          = probe{}
	_ harness.OperationNameProbe = probe{}
	_ harness.TagProbe           = probe{}
	_ harness.LogProbe           = probe{}
	_ harness.SamplingProbe      = probe{}
	_ harness.IDProbe            = probe{}
)

// The accessors of recorded content read the MockSpan's getters; a span
// of another tracer reads as zero.

func (probe) StartTime(span opentracing.Span) time.Time {
	if ms, ok := asMock(span); ok {
		return ms.StartTime()
	}
	return time.Time{}
}

func (probe) FinishTime(span opentracing.Span) time.Time {
	if ms, ok := asMock(span); ok {
		return ms.FinishTime()
	}
	return time.Time{}
}

func (probe) OperationName(span opentracing.Span) string {
	if ms, ok := asMock(span); ok {
		return ms.OperationName()
	}
	return ""
}

func (probe) Tags(span opentracing.Span) map[string]any {
	if ms, ok := asMock(span); ok {
		return ms.Tags()
	}
	return nil
}

// Logs renders MockKeyValues back as string fields: the MockTracer keeps
// values rendered, which the harness compares as rendered.
func (probe) Logs(span opentracing.Span) []opentracing.LogRecord {
	ms, ok := asMock(span)
	if !ok {
		return nil
	}
	var out []opentracing.LogRecord
	for _, r := range ms.Logs() {
		rec := opentracing.LogRecord{Timestamp: r.Timestamp}
		for _, kv := range r.Fields {
			rec.Fields = append(rec.Fields, log.String(kv.Key, kv.ValueString))
		}
		out = append(out, rec)
	}
	return out
}

func (probe) Sampled(sc opentracing.SpanContext) bool {
	msc, ok := sc.(mocktracer.MockSpanContext)
	return ok && msc.Sampled
}

func (probe) IDs(sc opentracing.SpanContext) (traceID, spanID string) {
	msc, _ := sc.(mocktracer.MockSpanContext)
	return strconv.FormatUint(msc.TraceID, 10), strconv.FormatUint(msc.SpanID, 10)
}

func TestMockTracer_APIChecks(t *testing.T) {
	harness.RunAPIChecks(t, func() (opentracing.Tracer, func()) {
		return mocktracer.New(), nil
	}, harness.CheckEverything(), harness.UseProbe(probe{}))
}
