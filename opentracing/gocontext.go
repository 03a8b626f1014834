package opentracing

import "context"

// activeSpanKey is the context.Context key of the span stored by
// ContextWithSpan. Its type is unexported, so no other package can collide
// with it.
type activeSpanKey struct{}

// ContextWithSpan returns a copy of ctx that carries span. Retrieve it with
// SpanFromContext. It is the Go idiom for carrying the current span through
// calls, beside (not instead of) a ScopeManager.
func ContextWithSpan(ctx context.Context, span Span) context.Context {
	return context.WithValue(ctx, activeSpanKey{}, span)
}

// SpanFromContext returns the span stored in ctx by ContextWithSpan, or nil
// if there is none.
func SpanFromContext(ctx context.Context) Span {
	sp, _ := ctx.Value(activeSpanKey{}).(Span)
	return sp
}

// StartSpanFromContext starts a span with the global tracer; see
// StartSpanFromContextWithTracer.
func StartSpanFromContext(ctx context.Context, operationName string, opts ...StartSpanOption) (Span, context.Context) {
	return StartSpanFromContextWithTracer(ctx, GlobalTracer(), operationName, opts...)
}

// StartSpanFromContextWithTracer starts a span with tracer. If ctx carries
// a span, the new span is its CHILD_OF (ahead of any reference in opts,
// and instead of the tracer's active span). It returns the new span and a
// copy of ctx that carries it. The opts slice is not modified.
func StartSpanFromContextWithTracer(ctx context.Context, tracer Tracer, operationName string, opts ...StartSpanOption) (Span, context.Context) {
	if parent := SpanFromContext(ctx); parent != nil {
		all := make([]StartSpanOption, 0, len(opts)+1)
		all = append(all, ChildOf(parent.Context()))
		opts = append(all, opts...)
	}
	span := tracer.StartSpan(operationName, opts...)
	return span, ContextWithSpan(ctx, span)
}
