package opentracing_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
)

// printTrace prints each finished span of tracer with its parent's name.
func printTrace(tracer *mocktracer.MockTracer) {
	names := map[uint64]string{}
	spans := tracer.FinishedSpans()
	for _, sp := range spans {
		names[sp.SpanID()] = sp.OperationName()
	}
	for _, sp := range spans {
		parent := "(root)"
		if sp.ParentID() != 0 {
			parent = "child of " + names[sp.ParentID()]
		}
		fmt.Println(sp.OperationName(), parent)
	}
}

// A span with an explicit parent: ChildOf takes the parent's SpanContext.
func ExampleChildOf() {
	tracer := mocktracer.New()
	parent := tracer.StartSpan("GetFeed")
	child := tracer.StartSpan("LoadFeedItems", opentracing.ChildOf(parent.Context()))
	child.SetTag("items", 20)
	child.Finish()
	parent.Finish()
	printTrace(tracer)
	// Output:
	// LoadFeedItems child of GetFeed
	// GetFeed (root)
}

// StartActiveSpan activates the span; spans started while it is active
// are its children without any explicit reference. Close, usually
// deferred, finishes the span and restores the previous active span.
func ExampleTracer_StartActiveSpan() {
	tracer := mocktracer.New()
	handle := func() {
		scope := tracer.StartActiveSpan("handle")
		defer scope.Close()

		query := tracer.StartSpan("query") // the active span is its parent
		query.Finish()
		detached := tracer.StartSpan("audit", opentracing.IgnoreActiveSpan())
		detached.Finish()
	}
	handle()
	fmt.Println("active after handle:", tracer.ActiveSpan())
	printTrace(tracer)
	// Output:
	// active after handle: <nil>
	// query child of handle
	// audit (root)
	// handle (root)
}

// Baggage set on a span reaches the children started after it, and
// crosses Inject/Extract; children started before do not see it.
func ExampleSpan_SetBaggageItem() {
	tracer := mocktracer.New()
	root := tracer.StartSpan("checkout")
	early := tracer.StartSpan("early", opentracing.ChildOf(root.Context()))
	root.SetBaggageItem("customer", "gold")
	late := tracer.StartSpan("late", opentracing.ChildOf(root.Context()))

	fmt.Printf("early: %q\n", early.BaggageItem("customer"))
	fmt.Printf("late: %q\n", late.BaggageItem("customer"))
	late.Finish()
	early.Finish()
	root.Finish()
	// Output:
	// early: ""
	// late: "gold"
}

// A timestamped LogKV, Python's log_kv(key_values, timestamp): LogFieldsAt
// with the fields of log.InterleavedKVToFields, whose error is handled
// first. The logging methods return nothing, so they are not chained.
func ExampleSpan_LogFieldsAt() {
	tracer := mocktracer.New()
	span := tracer.StartSpan("retry")
	ts := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	for _, kv := range [][]any{{"event", "retry", "attempt", 2}, {"event"}} {
		fields, err := log.InterleavedKVToFields(kv...)
		if err != nil {
			fields = []log.Field{log.Error(err)} // as LogKV records it
		}
		span.LogFieldsAt(ts, fields...)
	}
	span.Finish()
	for _, rec := range tracer.FinishedSpans()[0].Logs() {
		fmt.Println(rec.Timestamp.Format(time.RFC3339), rec.Fields)
	}
	// Output:
	// 2026-03-01T12:00:00Z [{event string retry} {attempt int 2}]
	// 2026-03-01T12:00:00Z [{error string log: odd number of key/value arguments: 1 arguments}]
}

// Inject writes a SpanContext into a carrier; the other process Extracts
// it and continues the trace.
func ExampleTracer_Inject() {
	tracer := mocktracer.New()
	client := tracer.StartSpan("client")
	client.SetBaggageItem("user", "fry")

	carrier := opentracing.TextMapCarrier{}
	if err := tracer.Inject(client.Context(), opentracing.TextMap, carrier); err != nil {
		fmt.Println("inject:", err)
		return
	}

	// ... carrier travels with the request ...

	remote, err := tracer.Extract(opentracing.TextMap, carrier)
	if err != nil {
		fmt.Println("extract:", err)
		return
	}
	server := tracer.StartSpan("server", opentracing.ChildOf(remote))
	fmt.Println("user:", server.BaggageItem("user"))
	server.Finish()
	client.Finish()
	printTrace(tracer)

	// Nothing to extract is an error to match with errors.Is.
	_, err = tracer.Extract(opentracing.TextMap, opentracing.TextMapCarrier{})
	fmt.Println("empty carrier is ErrSpanContextNotFound:", errors.Is(err, opentracing.ErrSpanContextNotFound))
	// Output:
	// user: fry
	// server child of client
	// client (root)
	// empty carrier is ErrSpanContextNotFound: true
}

// The no-op tracer accepts every call and records nothing, so code can be
// instrumented unconditionally.
func ExampleNoopTracer() {
	var tracer opentracing.Tracer = opentracing.NoopTracer{}
	span := tracer.StartSpan("op", opentracing.Tag{Key: "k", Value: "v"})
	span.SetBaggageItem("user", "fry")
	fmt.Printf("baggage: %q\n", span.BaggageItem("user"))
	fmt.Println("active span:", tracer.ActiveSpan())
	_, err := tracer.Extract(opentracing.TextMap, opentracing.TextMapCarrier{})
	fmt.Println(err)
	span.Finish()
	// Output:
	// baggage: ""
	// active span: <nil>
	// opentracing: SpanContext not found in Extract carrier
}

// A context.Context carries the current span through calls;
// StartSpanFromContextWithTracer starts a child of it and returns the new
// context.
func ExampleStartSpanFromContextWithTracer() {
	tracer := mocktracer.New()
	fetch := func(ctx context.Context) {
		span, _ := opentracing.StartSpanFromContextWithTracer(ctx, tracer, "fetch")
		defer span.Finish()
	}
	span, ctx := opentracing.StartSpanFromContextWithTracer(context.Background(), tracer, "request")
	fetch(ctx)
	span.Finish()
	fmt.Println(opentracing.SpanFromContext(ctx) == span)
	printTrace(tracer)
	// Output:
	// true
	// fetch child of request
	// request (root)
}

// ContextWithSpan stores a span in a context; SpanFromContext gets it
// back (nil if there is none).
func ExampleContextWithSpan() {
	span := opentracing.NoopTracer{}.StartSpan("op")
	ctx := opentracing.ContextWithSpan(context.Background(), span)
	fmt.Println(opentracing.SpanFromContext(ctx) != nil)
	fmt.Println(opentracing.SpanFromContext(context.Background()))
	// Output:
	// true
	// <nil>
}

// NewStartSpanOptions is how a Tracer implementation reads its options;
// with a ScopeManager it also resolves the active span as implicit parent.
func ExampleNewStartSpanOptions() {
	parent := opentracing.NoopTracer{}.StartSpan("parent").Context()
	o := opentracing.NewStartSpanOptions(nil,
		opentracing.ChildOf(parent),
		opentracing.FollowsFrom(nil), // ignored: nil context
		opentracing.Tags{"b": 2},
		opentracing.Tag{Key: "a", Value: 1},
		opentracing.StartTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		opentracing.FinishOnClose(false),
	)
	for _, r := range o.References {
		fmt.Println("reference:", r.Type)
	}
	keys := make([]string, 0, len(o.Tags))
	for k := range o.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("tag %s=%v\n", k, o.Tags[k])
	}
	fmt.Println("start:", o.StartTime.Format(time.RFC3339))
	fmt.Println("finish on close:", !o.KeepOpenOnClose)
	// Output:
	// reference: child_of
	// tag a=1
	// tag b=2
	// start: 2026-01-02T03:04:05Z
	// finish on close: false
}

// SetGlobalTracer installs the tracer that GlobalTracer and the
// package-level StartSpan use.
func ExampleSetGlobalTracer() {
	tracer := mocktracer.New()
	opentracing.SetGlobalTracer(tracer)
	defer opentracing.SetGlobalTracer(nil) // back to the NoopTracer

	opentracing.StartSpan("via global").Finish()
	fmt.Println(len(tracer.FinishedSpans()), tracer.FinishedSpans()[0].OperationName())
	// Output:
	// 1 via global
}
