package simspans_test

import "github.com/tracebed/tracebed/opentracing"

func mocktracerChildOf(parent opentracing.Scope) opentracing.StartSpanOption {
	return opentracing.ChildOf(parent.Span().Context())
}
