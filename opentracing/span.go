package opentracing

import (
	"time"

	"github.com/tracebed/tracebed/opentracing/log"
)

// SpanContext is the part of a span that crosses boundaries: the ids a
// tracer needs to link spans, and the baggage. It is immutable: a new
// baggage item on a Span makes a new SpanContext.
type SpanContext interface {
	// ForeachBaggageItem calls handler for each baggage item, in an order
	// the tracer chooses, until handler returns false. The caller never
	// mutates tracer state through it.
	ForeachBaggageItem(handler func(k, v string) bool)
}

// Span is one timed operation of a trace.
//
// Setters return the Span so calls can be chained:
//
//	span.SetOperationName("query").SetTag("db.type", "sql")
//
// The logging methods (LogFields, LogKV, LogFieldsAt) return nothing, as
// in opentracing-go: unlike Python's log_kv, which returns the span for
// chaining, they cannot be chained. Python's timestamped
// log_kv(key_values, timestamp) is LogFieldsAt with the fields of
// log.InterleavedKVToFields, which returns an error for a malformed list
// as well as the fields, so its result cannot be passed on directly:
//
//	fields, err := log.InterleavedKVToFields("event", "retry", "attempt", 2)
//	if err != nil {
//		fields = []log.Field{log.Error(err)} // as LogKV records it
//	}
//	span.LogFieldsAt(ts, fields...)
//
// After Finish, a Span must not be used, except for Context: what happens
// to calls made after Finish is up to the tracer (the MockTracer records
// them as misuse).
type Span interface {
	// Finish sets the end time to "now" by the tracer's clock and records
	// the span. Finish must be the last call made on a Span.
	Finish()

	// FinishWithOptions is Finish with an explicit finish time and extra
	// log records.
	FinishWithOptions(opts FinishOptions)

	// Context returns the span's SpanContext. It stays valid after Finish.
	Context() SpanContext

	// SetOperationName changes the operation name.
	SetOperationName(operationName string) Span

	// SetTag sets a tag. The value should be a string, a bool or a number;
	// tracers may drop or stringify other types.
	SetTag(key string, value any) Span

	// LogFields records typed fields at the current time. It does not
	// return the span.
	LogFields(fields ...log.Field)

	// LogKV records alternating key/value pairs at the current time: keys
	// are strings, values any type that log.InterleavedKVToFields accepts.
	// A malformed list is recorded as an error field, never a panic. It
	// does not return the span (Python's log_kv does).
	LogKV(alternatingKeyValues ...any)

	// LogFieldsAt records typed fields with an explicit timestamp: with
	// the fields of log.InterleavedKVToFields, the Go form of Python's
	// log_kv(key_values, timestamp) (see the Span doc for the error). It
	// does not return the span.
	LogFieldsAt(timestamp time.Time, fields ...log.Field)

	// SetBaggageItem sets a baggage item. Baggage propagates to children
	// started after this call and across Inject/Extract; it never
	// changes children that already exist.
	//
	// IMPORTANT: baggage crosses every process boundary of the trace, so
	// each item costs on every request. Use it sparingly.
	SetBaggageItem(restrictedKey, value string) Span

	// BaggageItem returns the value of a baggage item, or "" if unset.
	BaggageItem(restrictedKey string) string

	// Tracer returns the Tracer that created the span.
	Tracer() Tracer

	// LogEvent records an event.
	//
	// Deprecated: use LogFields(log.Event(event)) or LogKV("event", event).
	LogEvent(event string)

	// LogEventWithPayload records an event with a payload.
	//
	// Deprecated: use LogKV("event", event, "payload", payload).
	LogEventWithPayload(event string, payload any)

	// Log records a LogData.
	//
	// Deprecated: use LogFields, LogKV or LogFieldsAt.
	Log(data LogData)
}

// LogRecord is a set of fields logged at one time.
type LogRecord struct {
	// Timestamp is when the fields were logged.
	Timestamp time.Time
	// Fields are the fields logged, in order.
	Fields []log.Field
}

// FinishOptions are the arguments of Span.FinishWithOptions.
type FinishOptions struct {
	// FinishTime overrides the finish time; zero means "now" by the
	// tracer's clock. It must not be before the start time.
	FinishTime time.Time

	// LogRecords are added to the span's logs before it finishes.
	LogRecords []LogRecord
}

// LogData is the argument of the deprecated Span.Log.
//
// Deprecated: use LogRecord and Span.LogFieldsAt.
type LogData struct {
	// Timestamp is when the event happened.
	Timestamp time.Time
	// Event is the event's name: the value of the "event" field.
	Event string
	// Payload, if not nil, becomes the "payload" field.
	Payload any
}

// ToLogRecord converts the deprecated LogData into a LogRecord with an
// "event" field and, if present, a "payload" field.
func (ld *LogData) ToLogRecord() LogRecord {
	fields := []log.Field{log.String("event", ld.Event)}
	if ld.Payload != nil {
		fields = append(fields, log.Object("payload", ld.Payload))
	}
	return LogRecord{Timestamp: ld.Timestamp, Fields: fields}
}
