package ext_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
)

// printFailure prints what the error hook recorded on span: its error tag
// and each logged field, the stack reduced to its first frame's function
// (file paths differ from machine to machine).
func printFailure(span *mocktracer.MockSpan) {
	fmt.Printf("%s finished=%v error=%v\n", span.OperationName(), span.Finished(), span.Tag("error"))
	for _, rec := range span.Logs() {
		for _, f := range rec.Fields {
			v := f.ValueString
			if f.Key == "stack" {
				first, _, _ := strings.Cut(v, "\n")
				v = "starts at " + first
			}
			fmt.Printf("  %s: %s\n", f.Key, v)
		}
	}
}

// parsePort fails by returning an error; the deferred Finish records it
// on the span as it finishes the span.
func parsePort(tr opentracing.Tracer, s string) (port int, err error) {
	span := tr.StartSpan("parse-port")
	defer ext.Finish(span, &err)
	port, err = strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("port %q: %w", s, err)
	}
	return port, nil
}

// A returned error: Finish tags error=true and logs Python's five fields.
// A call that succeeds finishes the span with nothing recorded.
func ExampleFinish() {
	tr := mocktracer.New()
	_, err := parsePort(tr, "http")
	fmt.Println("returned:", err)
	_, _ = parsePort(tr, "8080")
	for _, span := range tr.FinishedSpans() {
		printFailure(span)
	}
	// Output:
	// returned: port "http": strconv.Atoi: parsing "http": invalid syntax
	// parse-port finished=true error=true
	//   event: error
	//   error.kind: *fmt.wrapError
	//   error.object: port "http": strconv.Atoi: parsing "http": invalid syntax
	//   message: port "http": strconv.Atoi: parsing "http": invalid syntax
	//   stack: starts at github.com/tracebed/tracebed/opentracing/ext_test.parsePort
	// parse-port finished=true error=<nil>
}

// lookup fails by panicking: an index out of range.
func lookup(tr opentracing.Tracer, ids []int, i int) (id int, err error) {
	span := tr.StartSpan("lookup")
	defer ext.Finish(span, &err)
	return ids[i], nil
}

// A panic: Finish records it, with the stack from the frame that
// panicked, finishes the span and panics again with the same value, which
// the caller recovers here.
func ExampleFinish_panic() {
	tr := mocktracer.New()
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		_, _ = lookup(tr, []int{7}, 3)
	}()
	printFailure(tr.FinishedSpans()[0])
	// Output:
	// recovered: runtime error: index out of range [3] with length 1
	// lookup finished=true error=true
	//   event: error
	//   error.kind: runtime.boundsError
	//   error.object: runtime error: index out of range [3] with length 1
	//   message: runtime error: index out of range [3] with length 1
	//   stack: starts at github.com/tracebed/tracebed/opentracing/ext_test.lookup
}

// handle runs in an active scope that does not finish its span on close;
// its body panics.
func handle(tr opentracing.Tracer) (err error) {
	scope := tr.StartActiveSpan("handle", opentracing.FinishOnClose(false))
	defer ext.Close(scope, &err)
	panic(errors.New("handler bug"))
}

// Close is Finish for a Scope: the failure is recorded on the scope's span
// even when closing does not finish it (as Python's Scope.__exit__ does),
// and the scope is closed before the panic goes on, so the span active
// before it is active again.
func ExampleClose() {
	tr := mocktracer.New()
	outer := tr.StartActiveSpan("request")
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		_ = handle(tr)
	}()
	fmt.Println("active again:", tr.ActiveSpan().(*mocktracer.MockSpan).OperationName())
	outer.Close()

	handleSpan := tr.StartedSpans()[1]
	printFailure(handleSpan)
	handleSpan.Finish()
	// Output:
	// recovered: handler bug
	// active again: request
	// handle finished=false error=true
	//   event: error
	//   error.kind: *errors.errorString
	//   error.object: handler bug
	//   message: handler bug
	//   stack: starts at github.com/tracebed/tracebed/opentracing/ext_test.handle
}
