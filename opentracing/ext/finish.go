package ext

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
)

// Finish finishes span, first recording on it how the function that
// deferred the call failed: the Go form of Python's `with span:`, whose
// exit tags and logs the exception the block raised. Defer it directly,
// with the function's named error result:
//
//	func fetch(tr opentracing.Tracer, key string) (err error) {
//		span := tr.StartSpan("fetch")
//		defer ext.Finish(span, &err)
//		...
//	}
//
// A function fails in one of two ways, and Finish records both with the
// tag error=true and the five fields of Python's error hook:
//
//	event=error  error.kind=<Go type>  error.object=<value>  message=<text>  stack=<frames>
//
// A returned error is a non-nil *errp: the value is the error, the
// message err.Error(), the stack the frames of the function that deferred
// Finish and its callers.
//
// A panic is recovered and recorded: the value is the panic value (the
// message is Error() for an error, fmt.Sprint otherwise; panic(nil)
// arrives as a *runtime.PanicNilError), the stack starts at the frame
// that panicked. Finish then finishes the span and panics again with the
// very same value, so callers see the panic unchanged. A panic is
// recorded even when *errp is set: that error is not the function's
// result, and is not recorded.
//
// On success (no panic, *errp nil) Finish just finishes the span. errp
// may be nil to record panics only; a nil span is allowed and nothing is
// recorded.
//
// Finish recovers only when the defer statement calls it itself (Go's
// rule for recover): from inside another deferred function,
// `defer func() { ext.Finish(span, &err) }()`, a panic passes through
// unrecorded, though the span is still finished. Close is the same for a
// Scope.
func Finish(span opentracing.Span, errp *error) {
	r := recover()
	recordFailure(span, r, errp)
	if span != nil {
		span.Finish()
	}
	if r != nil {
		panic(r) // the same value: the panic goes on unchanged
	}
}

// Close closes scope, first recording on its span how the function that
// deferred the call failed, exactly as Finish does: the Go form of
// Python's `with tracer.start_active_span(...) as scope:`, whose exit
// tags and logs the exception even when the scope does not finish its
// span. Whether the span is finished is the scope's business
// (finishOnClose). Defer it directly, with the named error result:
//
//	func handle(tr opentracing.Tracer, req string) (err error) {
//		scope := tr.StartActiveSpan("handle")
//		defer ext.Close(scope, &err)
//		...
//	}
//
// On a panic the scope is closed, so the previous scope is active again
// in the panicking task, before the panic goes on. A nil scope (and a
// scope of a nil span) is allowed: nothing is recorded.
func Close(scope opentracing.Scope, errp *error) {
	r := recover()
	if scope != nil {
		recordFailure(scope.Span(), r, errp)
		scope.Close()
	}
	if r != nil {
		panic(r)
	}
}

// recordFailure records the panic value r if there is one, else the error
// *errp if there is one, on span (if any).
func recordFailure(span opentracing.Span, r any, errp *error) {
	if span == nil {
		return
	}
	switch {
	case r != nil:
		logFailure(span, r, callerStack())
	case errp != nil && *errp != nil:
		logFailure(span, *errp, callerStack())
	}
}

// logFailure tags span error=true and logs v with the five standard keys.
func logFailure(span opentracing.Span, v any, stack string) {
	msg := fmt.Sprint(v)
	if err, ok := v.(error); ok {
		msg = err.Error()
	}
	Error.Set(span, true)
	span.LogFields(
		log.Event("error"),
		log.String(log.KeyErrorKind, fmt.Sprintf("%T", v)),
		log.Object(log.KeyErrorObject, v),
		log.Message(msg),
		log.String(log.KeyStack, stack),
	)
}

// maxStackFrames bounds the frames a stack field holds.
const maxStackFrames = 64

// extPrefix is this package's prefix in a frame's function name.
var extPrefix = reflect.TypeFor[BoolTagName]().PkgPath() + "."

// callerStack renders the stack of the failure, one frame per two lines
// as Go tracebacks print them ("function\n\tfile:line"). It starts at the
// failing function: the frames of this package are dropped, and then the
// runtime's own (the panic machinery of runtime.gopanic, sigpanic and the
// like, or runtime.deferreturn), so that for a panic the first frame is
// the one that panicked and for a returned error the function that
// deferred Finish or Close.
func callerStack() string {
	pcs := make([]uintptr, maxStackFrames+16)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var b strings.Builder
	inExt, inRuntime, written := true, true, 0
	for written < maxStackFrames {
		f, more := frames.Next()
		switch {
		case inExt && strings.HasPrefix(f.Function, extPrefix):
		case inRuntime && strings.HasPrefix(f.Function, "runtime."):
			inExt = false
		default:
			inExt, inRuntime = false, false
			fmt.Fprintf(&b, "%s\n\t%s:%d\n", f.Function, f.File, f.Line)
			written++
		}
		if !more {
			break
		}
	}
	return b.String()
}
