package opentracing

import (
	"time"

	"github.com/tracebed/tracebed/opentracing/log"
)

// NoopTracer is a Tracer whose every operation does nothing and allocates
// nothing. Its zero value is ready to use.
//
// It exists so that libraries can default to it and never check for a nil
// Tracer or Span: instrumented code runs unchanged, at almost no cost,
// until the program installs a real tracer (see [SetGlobalTracer]).
//
// What the no-op tracer does, exactly:
//   - StartSpan and StartActiveSpan ignore their options and return a
//     shared no-op Span or Scope;
//   - the no-op Span keeps no tags, logs or baggage: BaggageItem always
//     returns "" and its context has no baggage items;
//   - ScopeManager returns a [NoopScopeManager], so ActiveSpan is always nil;
//   - Inject accepts anything and writes nothing; Extract always returns a
//     nil SpanContext and [ErrSpanContextNotFound].
type NoopTracer struct{}

// NoopScopeManager is a ScopeManager that tracks nothing: Activate returns
// a shared no-op Scope (whose Span is the no-op Span, not the span given,
// and whose Close does nothing, so it never finishes the span) and Active
// always returns nil. Its zero value is ready to use.
type NoopScopeManager struct{}

type noopSpan struct{}
type noopSpanContext struct{}
type noopScope struct{}

// The no-op values already boxed in their interfaces, so that returning
// them costs nothing.
var (
	defaultNoopSpanContext SpanContext  = noopSpanContext{}
	defaultNoopSpan        Span         = noopSpan{}
	defaultNoopScope       Scope        = noopScope{}
	defaultNoopManager     ScopeManager = NoopScopeManager{}
	defaultNoopTracer      Tracer       = NoopTracer{}
)

var (
	_ Tracer       = NoopTracer{}
	_ ScopeManager = NoopScopeManager{}
	_ Span         = noopSpan{}
	_ SpanContext  = noopSpanContext{}
	_ Scope        = noopScope{}
)

// StartSpan returns the no-op Span. The options are not looked at, so that
// passing them costs no allocation when the call is made on a NoopTracer
// value.
func (NoopTracer) StartSpan(operationName string, opts ...StartSpanOption) Span {
	return defaultNoopSpan
}

// StartActiveSpan returns the no-op Scope; nothing becomes active.
func (NoopTracer) StartActiveSpan(operationName string, opts ...StartSpanOption) Scope {
	return defaultNoopScope
}

// ScopeManager returns a NoopScopeManager.
func (NoopTracer) ScopeManager() ScopeManager { return defaultNoopManager }

// ActiveSpan returns nil: nothing is ever active in a no-op tracer.
func (NoopTracer) ActiveSpan() Span { return nil }

// Inject does nothing and returns nil, whatever the format and carrier.
func (NoopTracer) Inject(sc SpanContext, format any, carrier any) error { return nil }

// Extract returns a nil SpanContext and ErrSpanContextNotFound, whatever
// the format and carrier.
func (NoopTracer) Extract(format any, carrier any) (SpanContext, error) {
	return nil, ErrSpanContextNotFound
}

// Activate returns the no-op Scope; nothing becomes active and the span is
// never finished by it.
func (NoopScopeManager) Activate(span Span, finishOnClose bool) Scope { return defaultNoopScope }

// Active returns nil.
func (NoopScopeManager) Active() Scope { return nil }

func (noopSpanContext) ForeachBaggageItem(handler func(k, v string) bool) {}

func (noopScope) Span() Span            { return defaultNoopSpan }
func (noopScope) Close()                {}
func (noopScope) Manager() ScopeManager { return defaultNoopManager }

func (n noopSpan) Context() SpanContext                                 { return defaultNoopSpanContext }
func (n noopSpan) SetBaggageItem(key, val string) Span                  { return n }
func (n noopSpan) BaggageItem(key string) string                        { return "" }
func (n noopSpan) SetTag(key string, value any) Span                    { return n }
func (n noopSpan) LogFields(fields ...log.Field)                        {}
func (n noopSpan) LogKV(keyVals ...any)                                 {}
func (n noopSpan) LogFieldsAt(timestamp time.Time, fields ...log.Field) {}
func (n noopSpan) Finish()                                              {}
func (n noopSpan) FinishWithOptions(opts FinishOptions)                 {}
func (n noopSpan) SetOperationName(operationName string) Span           { return n }
func (n noopSpan) Tracer() Tracer                                       { return defaultNoopTracer }
func (n noopSpan) LogEvent(event string)                                {}
func (n noopSpan) LogEventWithPayload(event string, payload any)        {}
func (n noopSpan) Log(data LogData)                                     {}
