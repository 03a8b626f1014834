package opentracing

import "sync/atomic"

// globalTracer holds the tracer installed by SetGlobalTracer; nil means
// none was installed. A pointer to a holder (rather than an atomic.Value)
// lets tracers of different concrete types replace each other.
var globalTracer atomic.Pointer[tracerHolder]

type tracerHolder struct{ tracer Tracer }

// GlobalTracer returns the tracer installed by SetGlobalTracer, or a
// NoopTracer if none was. It is safe for concurrent use with
// SetGlobalTracer.
//
// Libraries should prefer a Tracer passed in by their caller; the global
// tracer is for code that has no other way to reach one (the Go form of
// Python's opentracing.tracer).
func GlobalTracer() Tracer {
	if h := globalTracer.Load(); h != nil {
		return h.tracer
	}
	return defaultNoopTracer
}

// SetGlobalTracer installs t as the tracer GlobalTracer returns. Call it
// once, early in main, before any span is started: spans started before
// the call keep the tracer that made them. SetGlobalTracer(nil) restores
// the NoopTracer. It is safe for concurrent use.
func SetGlobalTracer(t Tracer) {
	if t == nil {
		globalTracer.Store(nil)
		return
	}
	globalTracer.Store(&tracerHolder{tracer: t})
}

// IsGlobalTracerRegistered reports whether SetGlobalTracer installed a
// tracer (and it was not reset with SetGlobalTracer(nil)).
func IsGlobalTracerRegistered() bool { return globalTracer.Load() != nil }

// StartSpan starts a span with the global tracer: it is
// GlobalTracer().StartSpan(operationName, opts...).
func StartSpan(operationName string, opts ...StartSpanOption) Span {
	return GlobalTracer().StartSpan(operationName, opts...)
}
