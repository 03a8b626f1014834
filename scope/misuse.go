package scope

import (
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
)

// report tells span's tracer about a misuse of a Scope, if the tracer is an
// opentracing.MisuseReporter. The operation name is filled in when the span
// exposes one (the MockSpan does).
func report(span opentracing.Span, kind opentracing.MisuseKind, manager string) {
	if span == nil {
		return
	}
	op := ""
	if n, ok := span.(interface{ OperationName() string }); ok {
		op = n.OperationName()
	}
	opentracing.ReportMisuse(span, opentracing.Misuse{
		Kind:      kind,
		Operation: op,
		Detail:    fmt.Sprintf("%s: %s of a scope of span %q; the call did nothing", manager, kindText(kind), op),
	})
}

func kindText(kind opentracing.MisuseKind) string {
	switch kind {
	case opentracing.MisuseCloseTwice:
		return "second Close"
	case opentracing.MisuseCloseOutOfOrder:
		return "Close out of order (a scope activated after it is still open)"
	case opentracing.MisuseCloseFromOtherTask:
		return "Close from a goroutine or task other than the one that activated it"
	default:
		return kind.String()
	}
}
