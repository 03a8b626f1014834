package ext

import (
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
)

// LogError marks span as failed with err: it sets the tag error=true and
// logs one record with the standard keys
//
//	event=error  error.kind=<Go type of err>  error.object=err  message=err.Error()
//
// followed by fields. A nil err does nothing, so that
// `defer func() { ext.LogError(span, err) }()` is safe on success.
func LogError(span opentracing.Span, err error, fields ...log.Field) {
	if err == nil {
		return
	}
	Error.Set(span, true)
	all := make([]log.Field, 0, 4+len(fields))
	all = append(all,
		log.Event("error"),
		log.String(log.KeyErrorKind, fmt.Sprintf("%T", err)),
		log.Object(log.KeyErrorObject, err),
		log.Message(err.Error()),
	)
	all = append(all, fields...)
	span.LogFields(all...)
}
