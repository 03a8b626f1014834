package mocktracer_test

import (
	"testing"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/harness"
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

func TestMockTracer_APIChecks(t *testing.T) {
	harness.RunAPIChecks(t, func() (opentracing.Tracer, func()) {
		return mocktracer.New(), nil
	}, harness.CheckEverything(), harness.UseProbe(probe{}))
}
