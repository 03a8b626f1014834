// Package opentracing is the OpenTracing API, as the Python 2.x
// documentation defines it, in idiomatic Go: Tracer, Span, SpanContext,
// references, baggage, Scope and ScopeManager, Inject/Extract in the
// TextMap, HTTPHeaders and Binary formats, and a no-op tracer.
package opentracing
