package mocktracer

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
)

// samplingPriority is the standard tag that switches sampling: 0 means
// "do not sample", a positive value "sample".
const samplingPriority = "sampling.priority"

// MockSpanContext is the SpanContext of MockTracer spans. It is a value:
// treat Baggage as read-only (Span.SetBaggageItem makes a new map).
type MockSpanContext struct {
	// TraceID is shared by every span of a trace: a root span's own
	// SpanID, inherited by its descendants.
	TraceID uint64
	// SpanID identifies the span: never 0, unique per tracer with the
	// default id source.
	SpanID uint64
	// Sampled is true unless the span or its parent set the
	// sampling.priority tag to 0.
	Sampled bool
	// Baggage holds the baggage items (nil or empty when there are none).
	Baggage map[string]string
}

var _ opentracing.SpanContext = MockSpanContext{}

// ForeachBaggageItem implements opentracing.SpanContext, visiting items in
// key order so that output built from it is deterministic.
func (c MockSpanContext) ForeachBaggageItem(handler func(k, v string) bool) {
	if len(c.Baggage) == 0 {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(c.Baggage)) {
		if !handler(k, c.Baggage[k]) {
			return
		}
	}
}

// String renders the context for test failures.
func (c MockSpanContext) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MockSpanContext{trace=%d span=%d sampled=%t", c.TraceID, c.SpanID, c.Sampled)
	c.ForeachBaggageItem(func(k, v string) bool {
		fmt.Fprintf(&b, " %q=%q", k, v)
		return true
	})
	b.WriteString("}")
	return b.String()
}

// clone returns c with its own copy of the baggage.
func (c MockSpanContext) clone() MockSpanContext {
	if c.Baggage != nil {
		c.Baggage = maps.Clone(c.Baggage)
	}
	return c
}

// MockSpan is the Span of a MockTracer. Its accessors are safe for
// concurrent use and return copies.
//
// After Finish, every setter and log call (SetOperationName, SetTag,
// SetBaggageItem, LogKV, LogFields, LogFieldsAt and the deprecated log
// methods) is recorded as opentracing.MisuseMutateAfterFinish and
// ignored, and another Finish as opentracing.MisuseFinishTwice: the span
// stays as it was when it first finished.
type MockSpan struct {
	tracer   *MockTracer
	refs     []opentracing.SpanReference // never changed after start
	parentID uint64                      // never changed after start
	recorded bool                        // in tracer.finished; guarded by tracer.mu

	// mu guards every field below.
	mu            sync.Mutex
	operationName string
	ctx           MockSpanContext // Baggage is copy-on-write
	boxedCtx      opentracing.SpanContext
	tags          map[string]any
	logs          []MockLogRecord
	startTime     time.Time
	finishTime    time.Time
	finishCount   int
}

var _ opentracing.Span = (*MockSpan)(nil)

// OperationName returns the current operation name.
func (s *MockSpan) OperationName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.operationName
}

// TraceID returns the trace id.
func (s *MockSpan) TraceID() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctx.TraceID
}

// SpanID returns the span id.
func (s *MockSpan) SpanID() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctx.SpanID
}

// ParentID returns the span id of the parent (the first reference to a
// MockSpanContext), or 0 for a root span.
func (s *MockSpan) ParentID() uint64 { return s.parentID }

// References returns a copy of the references the span was started with,
// the implicit CHILD_OF reference to the active span included.
func (s *MockSpan) References() []opentracing.SpanReference { return slices.Clone(s.refs) }

// Tags returns a copy of the tags.
func (s *MockSpan) Tags() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.tags)
}

// Tag returns the value of a tag, or nil.
func (s *MockSpan) Tag(key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tags[key]
}

// Logs returns a copy of the log records, in the order they were logged.
func (s *MockSpan) Logs() []MockLogRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MockLogRecord, len(s.logs))
	for i, r := range s.logs {
		out[i] = MockLogRecord{Timestamp: r.Timestamp, Fields: slices.Clone(r.Fields)}
	}
	return out
}

// StartTime returns the start time.
func (s *MockSpan) StartTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startTime
}

// FinishTime returns the time of the first Finish, or the zero time.
func (s *MockSpan) FinishTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finishTime
}

// Finished reports whether the span was finished.
func (s *MockSpan) Finished() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finishCount > 0
}

// FinishCount returns how many times Finish or FinishWithOptions was
// called; more than 1 is a recorded misuse.
func (s *MockSpan) FinishCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finishCount
}

// MockContext returns a copy of the span's context (with its own baggage
// map).
func (s *MockSpan) MockContext() MockSpanContext {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctx.clone()
}

// String renders the span for test failures.
func (s *MockSpan) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("MockSpan{op=%q trace=%d span=%d parent=%d finished=%t tags=%d logs=%d}",
		s.operationName, s.ctx.TraceID, s.ctx.SpanID, s.parentID, s.finishCount > 0, len(s.tags), len(s.logs))
}

// Context implements opentracing.Span. The returned MockSpanContext is
// immutable: later baggage changes make a new one.
func (s *MockSpan) Context() opentracing.SpanContext {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.boxedCtx == nil {
		s.boxedCtx = s.ctx
	}
	return s.boxedCtx
}

// Tracer implements opentracing.Span.
func (s *MockSpan) Tracer() opentracing.Tracer { return s.tracer }

// Finish implements opentracing.Span. A second Finish is recorded as
// opentracing.MisuseFinishTwice and otherwise ignored.
func (s *MockSpan) Finish() { s.finish("Finish", time.Time{}, nil) }

// FinishWithOptions implements opentracing.Span. A zero FinishTime means
// now by the tracer's clock; LogRecords are added before the span
// finishes.
func (s *MockSpan) FinishWithOptions(opts opentracing.FinishOptions) {
	s.finish("FinishWithOptions", opts.FinishTime, opts.LogRecords)
}

func (s *MockSpan) finish(method string, at time.Time, records []opentracing.LogRecord) {
	if at.IsZero() {
		at = s.tracer.now()
	}
	s.mu.Lock()
	s.finishCount++
	if s.finishCount > 1 {
		op := s.operationName
		s.mu.Unlock()
		s.tracer.ReportMisuse(opentracing.Misuse{
			Kind: opentracing.MisuseFinishTwice, Operation: op,
			Detail: method + " called on a span already finished",
		})
		return
	}
	for _, r := range records {
		ts := r.Timestamp
		if ts.IsZero() {
			ts = at
		}
		s.logs = append(s.logs, MockLogRecord{Timestamp: ts, Fields: fieldsToKV(r.Fields)})
	}
	s.finishTime = at
	s.mu.Unlock()
	s.tracer.recordFinished(s)
}

// lockLive locks s and reports whether it is still open; if it is
// finished it unlocks s and records that method was called after Finish.
func (s *MockSpan) lockLive(method string) bool {
	s.mu.Lock()
	if s.finishCount == 0 {
		return true
	}
	op := s.operationName
	s.mu.Unlock()
	s.tracer.ReportMisuse(opentracing.Misuse{
		Kind: opentracing.MisuseMutateAfterFinish, Operation: op,
		Detail: method + " called after Finish",
	})
	return false
}

// SetOperationName implements opentracing.Span.
func (s *MockSpan) SetOperationName(operationName string) opentracing.Span {
	if s.lockLive("SetOperationName") {
		s.operationName = operationName
		s.mu.Unlock()
	}
	return s
}

// SetTag implements opentracing.Span. The sampling.priority tag also sets
// the context's Sampled flag (0 means not sampled).
func (s *MockSpan) SetTag(key string, value any) opentracing.Span {
	if !s.lockLive("SetTag") {
		return s
	}
	if s.tags == nil {
		s.tags = make(map[string]any, 4)
	}
	s.tags[key] = value
	if key == samplingPriority {
		s.applySamplingPriority(value)
	}
	s.mu.Unlock()
	return s
}

// applySamplingPriority sets Sampled from a numeric sampling.priority
// value; s.mu is held (or s is not yet shared).
func (s *MockSpan) applySamplingPriority(v any) {
	var n float64
	switch x := v.(type) {
	case int:
		n = float64(x)
	case int8:
		n = float64(x)
	case int16:
		n = float64(x)
	case int32:
		n = float64(x)
	case int64:
		n = float64(x)
	case uint:
		n = float64(x)
	case uint8:
		n = float64(x)
	case uint16:
		n = float64(x)
	case uint32:
		n = float64(x)
	case uint64:
		n = float64(x)
	case float32:
		n = float64(x)
	case float64:
		n = x
	default:
		return
	}
	if sampled := n > 0; sampled != s.ctx.Sampled {
		s.ctx.Sampled = sampled
		s.boxedCtx = nil
	}
}

// LogFields implements opentracing.Span.
func (s *MockSpan) LogFields(fields ...log.Field) {
	s.logAt(time.Time{}, "LogFields", fieldsToKV(fields))
}

// LogFieldsAt implements opentracing.Span; a zero timestamp means now.
func (s *MockSpan) LogFieldsAt(timestamp time.Time, fields ...log.Field) {
	s.logAt(timestamp, "LogFieldsAt", fieldsToKV(fields))
}

// LogKV implements opentracing.Span. A malformed list (odd length, a
// non-string key) is recorded as one "error" field describing it.
func (s *MockSpan) LogKV(alternatingKeyValues ...any) {
	s.logAt(time.Time{}, "LogKV", kvToKV(alternatingKeyValues))
}

// LogEvent implements the deprecated opentracing.Span method as
// LogFields(log.Event(event)).
//
// Deprecated: use LogFields or LogKV.
func (s *MockSpan) LogEvent(event string) {
	s.logAt(time.Time{}, "LogEvent", fieldsToKV([]log.Field{log.Event(event)}))
}

// LogEventWithPayload implements the deprecated opentracing.Span method
// as LogFields(log.Event(event), log.Object("payload", payload)).
//
// Deprecated: use LogFields or LogKV.
func (s *MockSpan) LogEventWithPayload(event string, payload any) {
	s.logAt(time.Time{}, "LogEventWithPayload",
		fieldsToKV([]log.Field{log.Event(event), log.Object("payload", payload)}))
}

// Log implements the deprecated opentracing.Span method as LogFieldsAt of
// data.ToLogRecord().
//
// Deprecated: use LogFields, LogKV or LogFieldsAt.
func (s *MockSpan) Log(data opentracing.LogData) {
	r := data.ToLogRecord()
	s.logAt(r.Timestamp, "Log", fieldsToKV(r.Fields))
}

func (s *MockSpan) logAt(ts time.Time, method string, fields []MockKeyValue) {
	if ts.IsZero() {
		ts = s.tracer.now()
	}
	if s.lockLive(method) {
		s.logs = append(s.logs, MockLogRecord{Timestamp: ts, Fields: fields})
		s.mu.Unlock()
	}
}

// SetBaggageItem implements opentracing.Span. The span gets a new
// context; contexts already handed out keep their baggage.
func (s *MockSpan) SetBaggageItem(key, value string) opentracing.Span {
	if !s.lockLive("SetBaggageItem") {
		return s
	}
	b := make(map[string]string, len(s.ctx.Baggage)+1)
	maps.Copy(b, s.ctx.Baggage)
	b[key] = value
	s.ctx.Baggage = b
	s.boxedCtx = nil
	s.mu.Unlock()
	return s
}

// BaggageItem implements opentracing.Span.
func (s *MockSpan) BaggageItem(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctx.Baggage[key]
}
