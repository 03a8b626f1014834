package mocktracer

import (
	"time"

	"github.com/tracebed/tracebed/opentracing"
)

// Option configures a MockTracer in New.
type Option interface {
	apply(*MockTracer)
}

type scopeManagerOption struct{ sm opentracing.ScopeManager }

func (o scopeManagerOption) apply(t *MockTracer) {
	if o.sm != nil {
		t.scopeManager = o.sm
	}
}

// WithScopeManager makes the tracer use sm to track the active span, for
// instance a [scope.TaskLocal] under package sim. A nil sm keeps the
// default, a [scope.GoroutineLocal] (see the package doc).
func WithScopeManager(sm opentracing.ScopeManager) Option { return scopeManagerOption{sm} }

type clockOption struct{ now func() time.Time }

func (o clockOption) apply(t *MockTracer) {
	if o.now != nil {
		t.now = o.now
	}
}

// WithClock makes the tracer read start, finish and log times from now
// instead of its default clock (time.Now at New, advanced by the monotonic
// clock). Under package sim pass the simulation's Now. now must be safe to
// call from every goroutine that uses the tracer. A nil now keeps the
// default.
func WithClock(now func() time.Time) Option { return clockOption{now} }

type idSourceOption struct{ next func() uint64 }

func (o idSourceOption) apply(t *MockTracer) {
	if o.next != nil {
		t.nextID = o.next
	}
}

// WithIDSource makes the tracer draw span ids from next. The tracer calls
// next under its own lock, so next need not be safe for concurrent use.
// Ids must be non-zero (0 means "no parent"); the tracer skips a 0 and
// panics if next returns 0 three times in a row. A nil next keeps the
// default: a per-tracer counter 1, 2, 3, ...
func WithIDSource(next func() uint64) Option { return idSourceOption{next} }

// Observer is told of every span a MockTracer starts and finishes: a hook
// to log spans as they happen, for instance into a sim trace. Its methods
// run on the goroutine that called StartSpan (or StartActiveSpan) and
// Finish, after the span is recorded and with no lock of the tracer held,
// so they may call the span's getters and the tracer. A second Finish is a
// misuse, not a finish: it is not observed.
type Observer interface {
	// SpanStarted is called once per span, when it has started.
	SpanStarted(*MockSpan)
	// SpanFinished is called once per span, when it has finished.
	SpanFinished(*MockSpan)
}

type observerOption struct{ o Observer }

func (o observerOption) apply(t *MockTracer) {
	if o.o != nil {
		t.observers = append(t.observers, o.o)
	}
}

// WithObserver adds o to the tracer's observers, which are called in the
// order they were added. A nil o adds nothing.
func WithObserver(o Observer) Option { return observerOption{o} }
