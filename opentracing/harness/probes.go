package harness

import (
	"time"

	"github.com/tracebed/tracebed/opentracing"
)

// The optional capabilities of a Probe below tell the harness what a
// tracer recorded, so that it can check that the tracer kept what it was
// given. A Probe implements those it can answer; the harness finds them
// by type assertion and leaves out the parts of the checks whose
// capability is missing.

// TimeProbe reports a span's recorded start and finish times. With it the
// harness checks that the StartTime option and FinishOptions.FinishTime
// are kept as given, and that a span without them gets non-zero times,
// finishing no earlier than it started.
type TimeProbe interface {
	// StartTime returns the start time recorded for span.
	StartTime(span opentracing.Span) time.Time
	// FinishTime returns the finish time recorded for span, zero if it
	// has not finished.
	FinishTime(span opentracing.Span) time.Time
}

// OperationNameProbe reports a span's operation name. With it the
// harness checks the name given to StartSpan and SetOperationName.
type OperationNameProbe interface {
	// OperationName returns span's current operation name.
	OperationName(span opentracing.Span) string
}

// TagProbe reports a span's tags with their Go values. With it the
// harness checks that every tag value keeps its value and its Go type (an
// int stays an int, not a string or an int64).
type TagProbe interface {
	// Tags returns span's tags; the harness does not modify the map.
	Tags(span opentracing.Span) map[string]any
}

// LogProbe reports a span's log records. With it the harness checks the
// timestamps of LogFieldsAt and of FinishOptions.LogRecords, that a log
// without a timestamp gets a non-zero one, and the keys and values of the
// fields (values compared as fmt.Sprint renders them, so a tracer may
// keep them as strings).
type LogProbe interface {
	// Logs returns span's log records in the order they were logged,
	// those of FinishOptions.LogRecords included.
	Logs(span opentracing.Span) []opentracing.LogRecord
}

// SamplingProbe reports whether a SpanContext is sampled. With it the
// harness checks that the sampled flag survives Inject and Extract in
// every format, for a sampled span and for one whose sampling.priority tag
// is 0.
type SamplingProbe interface {
	// Sampled reports whether sc is sampled.
	Sampled(sc opentracing.SpanContext) bool
}

// IDProbe reports the ids a SpanContext carries, rendered as strings in
// any form the tracer likes. With it the harness checks that span ids
// never repeat, across traces and goroutines, and that a child shares
// its parent's trace id.
type IDProbe interface {
	// IDs returns sc's trace id and span id.
	IDs(sc opentracing.SpanContext) (traceID, spanID string)
}

// optional returns the probe as a P, or the zero P (nil) when there is no
// probe or it does not implement P.
func optional[P any](e *env) P {
	p, _ := e.cfg.probe.(P)
	return p
}
