/*
Package opentracing is the OpenTracing API, with the semantics of its
Python 2.x documentation, in idiomatic Go: [Tracer], [Span],
[SpanContext], references, baggage, [Scope] and [ScopeManager],
[Tracer.Inject] and [Tracer.Extract] in three formats, a global tracer,
[context.Context] helpers, and a no-op tracer.

The package holds only the API. Implementations live elsewhere: package
mocktracer records spans for tests, package scope provides ScopeManagers,
and package harness checks that any implementation keeps the contracts
below. Typed standard tags are in package ext, typed log fields in
package log.

# Spans and references

A [Span] is one timed operation, started by [Tracer.StartSpan] and ended
by [Span.Finish]. Options are values: [ChildOf] and [FollowsFrom] link
the new span to another span's [SpanContext] ([SpanReference]), [Tags]
and [Tag] set tags at start, [StartTime] sets the start time:

	parent := tracer.StartSpan("GetFeed")
	defer parent.Finish()
	child := tracer.StartSpan("LoadFeedItems", opentracing.ChildOf(parent.Context()))

A reference to a nil SpanContext is ignored, so the result of a failed
Extract may be passed without a check. Several references may be given;
tracers that keep one parent take the first. [StartChildSpan] is the
shorthand for a CHILD_OF span with the parent's tracer.

Setters return the Span for chaining. Tag values should be strings,
booleans or numbers. After Finish a span must not be used except for
Context; what happens otherwise is up to the tracer (the MockTracer
records it as a [Misuse]).

# Active span and scopes

A [ScopeManager] tracks the active span. [Tracer.StartActiveSpan] starts
a span and activates it, returning a [Scope]; closing the Scope restores
the scope that was active before and, unless [FinishOnClose](false) was
given, finishes the span:

	scope := tracer.StartActiveSpan("handle")
	defer scope.Close()

With no explicit reference and without [IgnoreActiveSpan], a new span is
a CHILD_OF the active span. Tracer implementations get this rule, and
every other option, from [NewStartSpanOptions]. [ScopeManager.Active]
and [Tracer.ActiveSpan] are nil when nothing is active. Which goroutine
or task sees which active scope is the manager's propagation rule (see
package scope). Closing a scope twice or out of order is a misuse that
managers report through [ReportMisuse].

# Propagation and errors

[Tracer.Inject] writes a SpanContext into a carrier, [Tracer.Extract]
reads it back, in one of the formats: [TextMap] (a [TextMapWriter] or
[TextMapReader] such as [TextMapCarrier]; keys and values unrestricted),
[HTTPHeaders] (the same interfaces, usually [HTTPHeadersCarrier]; names
are case-insensitive and values survive as header values) and [Binary]
(an io.Writer, appended to, and an io.Reader). A format is any
comparable value, so a tracer may add its own.

Failures are sentinel errors, matched with errors.Is (they may wrap
detail): [ErrUnsupportedFormat] for an unknown format,
[ErrInvalidCarrier] for a carrier of the wrong type,
[ErrInvalidSpanContext] for a context the tracer did not make,
[ErrSpanContextNotFound] when the carrier holds no context and
[ErrSpanContextCorrupted] when it holds one that cannot be parsed. On an
error Extract returns a nil SpanContext, never a half-made one.

# Baggage

[Span.SetBaggageItem] attaches a key/value pair to the trace: it is
visible through [Span.BaggageItem] and [SpanContext.ForeachBaggageItem],
reaches the children started after the call, and crosses Inject and
Extract. It never changes children that already exist, and a SpanContext
taken before the call does not change either. Baggage travels with every
request of the trace, so keep it small.

# No-op and global tracer

[NoopTracer] does nothing and allocates nothing: its zero value is ready
to use, so libraries can default to it and never check for nil.
[NoopScopeManager] tracks nothing. [GlobalTracer] returns the tracer set
by [SetGlobalTracer], or a NoopTracer; both are safe for concurrent use.
The package-level [StartSpan] starts a span with the global tracer.

# context.Context

[ContextWithSpan] and [SpanFromContext] carry a span through calls in a
context.Context, the Go idiom for request-scoped values.
[StartSpanFromContext] and [StartSpanFromContextWithTracer] start a child
of the span in the context (or a span as StartSpan would, if there is
none) and return it with a new context that carries it.
*/
package opentracing
