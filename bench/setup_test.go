package bench

import (
	"context"
	"testing"

	otgomock "github.com/opentracing/opentracing-go/mocktracer"

	"github.com/tracebed/tracebed/mocktracer"
)

// TestRecordersRecord guards the benchmarks' set-up: each recording tracer
// really records the spans the benchmarks make, so that no benchmark
// measures a tracer that silently drops its work.
func TestRecordersRecord(t *testing.T) {
	tb := mocktracer.New()
	tb.StartSpan("op").Finish()
	if got := len(tb.FinishedSpans()); got != 1 {
		t.Errorf("tracebed mocktracer recorded %d spans, want 1", got)
	}
	og := otgomock.New()
	og.StartSpan("op").Finish()
	if got := len(og.FinishedSpans()); got != 1 {
		t.Errorf("opentracing-go mocktracer recorded %d spans, want 1", got)
	}
	tr, rec := newOTel()
	_, sp := tr.Start(context.Background(), "op")
	sp.End()
	if got := len(rec.Ended()); got != 1 {
		t.Errorf("OTel SpanRecorder recorded %d ended spans, want 1", got)
	}
}
