package mocktracer

import (
	"fmt"
	"time"

	"github.com/tracebed/tracebed/opentracing"
)

// SpanRecord is one span as a tracer recorded it: the plain data that span
// assertions read (package testbed/check reads nothing else), in a form any
// tracer can fill. A MockTracer makes them from its MockSpans
// (FinishedRecords, StartedRecords); an adapter for another tracer maps
// that tracer's spans onto it (its ids onto uint64).
type SpanRecord struct {
	// TraceID, SpanID and ParentID identify the span, its trace and its
	// parent (0 for a root span).
	TraceID, SpanID, ParentID uint64
	// Operation is the operation name.
	Operation string
	// References are the references the span was started with, in order.
	References []RecordedReference
	// Tags are the span's tags.
	Tags map[string]any
	// Logs are the span's log records, in order.
	Logs []MockLogRecord
	// Start is when the span started.
	Start time.Time
	// Finish is when the span (first) finished; zero while it is open.
	Finish time.Time
	// Finishes counts the calls to Finish: 1 for a well-used span, 0 for
	// one still open, 2 or more for a span finished twice.
	Finishes int
}

// Finished reports whether the span was finished.
func (r *SpanRecord) Finished() bool { return r.Finishes > 0 }

// RecordedReference is a reference of a SpanRecord to another span.
type RecordedReference struct {
	// Type is CHILD_OF or FOLLOWS_FROM.
	Type opentracing.SpanReferenceType
	// TraceID and SpanID identify the referenced span (both 0 if its
	// context is not one the recording tracer knows).
	TraceID, SpanID uint64
}

// Record returns the span's record: a copy of its current state.
func (s *MockSpan) Record() *SpanRecord {
	r := &SpanRecord{
		TraceID:   s.TraceID(),
		SpanID:    s.SpanID(),
		ParentID:  s.ParentID(),
		Operation: s.OperationName(),
		Tags:      s.Tags(),
		Logs:      s.Logs(),
		Start:     s.StartTime(),
		Finishes:  s.FinishCount(),
	}
	if r.Finishes > 0 {
		r.Finish = s.FinishTime()
	}
	for _, ref := range s.refs {
		rr := RecordedReference{Type: ref.Type}
		switch c := ref.ReferencedContext.(type) {
		case MockSpanContext:
			rr.TraceID, rr.SpanID = c.TraceID, c.SpanID
		case *MockSpanContext:
			if c != nil {
				rr.TraceID, rr.SpanID = c.TraceID, c.SpanID
			}
		}
		r.References = append(r.References, rr)
	}
	return r
}

// records maps spans to their records.
func records(spans []*MockSpan) []*SpanRecord {
	out := make([]*SpanRecord, len(spans))
	for i, s := range spans {
		out[i] = s.Record()
	}
	return out
}

// FinishedRecords returns the records of FinishedSpans, in finish order.
// With StartedRecords and Misuses it makes the MockTracer a recorder of
// its spans, the interface through which testbed/check reads any tracer.
func (t *MockTracer) FinishedRecords() []*SpanRecord { return records(t.FinishedSpans()) }

// StartedRecords returns the records of StartedSpans, in start order,
// finished or not.
func (t *MockTracer) StartedRecords() []*SpanRecord { return records(t.StartedSpans()) }

// String renders the record for test failures, as MockSpan.String does.
func (r *SpanRecord) String() string {
	return fmt.Sprintf("SpanRecord{op=%q trace=%d span=%d parent=%d finished=%t tags=%d logs=%d}",
		r.Operation, r.TraceID, r.SpanID, r.ParentID, r.Finished(), len(r.Tags), len(r.Logs))
}
