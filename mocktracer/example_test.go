package mocktracer_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// fixedClock returns a clock that starts at 12:00:00 and advances by one
// second on every reading, so that examples print stable times.
func fixedClock() func() time.Time {
	t := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time {
		now := t
		t = t.Add(time.Second)
		return now
	}
}

// A test records what the code under test traced and asserts on it.
func Example() {
	tracer := mocktracer.New(mocktracer.WithClock(fixedClock()))

	parent := tracer.StartSpan("handle-request")
	child := tracer.StartSpan("query", opentracing.ChildOf(parent.Context()))
	child.SetTag("db.type", "sql")
	child.LogKV("event", "rows", "count", 3)
	child.Finish()
	parent.Finish()

	for _, s := range tracer.FinishedSpans() {
		fmt.Printf("%s trace=%d span=%d parent=%d %s..%s tags=%v\n", s.OperationName(),
			s.TraceID(), s.SpanID(), s.ParentID(),
			s.StartTime().Format("15:04:05"), s.FinishTime().Format("15:04:05"), s.Tags())
		for _, l := range s.Logs() {
			fmt.Println("  log at", l.Timestamp.Format("15:04:05"), l.Fields)
		}
	}
	// Output:
	// query trace=1 span=2 parent=1 12:00:01..12:00:03 tags=map[db.type:sql]
	//   log at 12:00:02 [{event string rows} {count int 3}]
	// handle-request trace=1 span=1 parent=0 12:00:00..12:00:04 tags=map[]
}

// The active span is the implicit parent of new spans; IgnoreActiveSpan
// starts a root instead.
func ExampleMockTracer_StartActiveSpan() {
	tracer := mocktracer.New(mocktracer.WithClock(fixedClock()))

	scope := tracer.StartActiveSpan("outer")
	inner := tracer.StartSpan("inner")
	detached := tracer.StartSpan("detached", opentracing.IgnoreActiveSpan())
	inner.Finish()
	detached.Finish()
	scope.Close() // finishes "outer" and restores the previous scope (none)

	for _, s := range tracer.FinishedSpans() {
		fmt.Printf("%s: span=%d parent=%d\n", s.OperationName(), s.SpanID(), s.ParentID())
	}
	fmt.Println("active after Close:", tracer.ActiveSpan())
	// Output:
	// inner: span=2 parent=1
	// detached: span=3 parent=0
	// outer: span=1 parent=0
	// active after Close: <nil>
}

// Misuse is recorded, not a panic, so a test can assert that a scenario
// never misuses the API.
func ExampleMockTracer_Misuses() {
	tracer := mocktracer.New()

	span := tracer.StartSpan("op")
	span.Finish()
	span.SetTag("late", true) // ignored
	span.Finish()             // ignored; the span is recorded once

	for _, m := range tracer.Misuses() {
		fmt.Printf("%v on %q: %s\n", m.Kind, m.Operation, m.Detail)
	}
	fmt.Println("finished spans:", len(tracer.FinishedSpans()))
	// Output:
	// mutate_after_finish on "op": SetTag called after Finish
	// finish_twice on "op": Finish called on a span already finished
	// finished spans: 1
}

// Inject writes the ids and baggage under the "mockpfx-" prefix; Extract
// reads them back and ignores unrelated entries.
func ExampleMockTracer_Inject() {
	tracer := mocktracer.New()
	span := tracer.StartSpan("client").SetBaggageItem("user", "alice")

	carrier := opentracing.TextMapCarrier{"unrelated": "kept"}
	if err := tracer.Inject(span.Context(), opentracing.TextMap, carrier); err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range slices.Sorted(maps.Keys(carrier)) {
		fmt.Printf("%s: %s\n", k, carrier[k])
	}

	sc, err := tracer.Extract(opentracing.TextMap, carrier)
	fmt.Println(sc, err)
	server := tracer.StartSpan("server", opentracing.ChildOf(sc))
	fmt.Println("server baggage:", server.BaggageItem("user"))
	// Output:
	// mockpfx-baggage-user: alice
	// mockpfx-ids-sampled: true
	// mockpfx-ids-spanid: 1
	// mockpfx-ids-traceid: 1
	// unrelated: kept
	// MockSpanContext{trace=1 span=1 sampled=true "user"="alice"} <nil>
	// server baggage: alice
}

// Extract tells an absent context from a damaged one; match the errors
// with errors.Is.
func ExampleMockTracer_Extract() {
	tracer := mocktracer.New()

	_, err := tracer.Extract(opentracing.HTTPHeaders, opentracing.TextMapCarrier{"Accept": "*/*"})
	fmt.Println(errors.Is(err, opentracing.ErrSpanContextNotFound))

	_, err = tracer.Extract(opentracing.HTTPHeaders, opentracing.TextMapCarrier{"Mockpfx-Ids-Traceid": "12x"})
	fmt.Println(errors.Is(err, opentracing.ErrSpanContextCorrupted))

	_, err = tracer.Extract(opentracing.Binary, bytes.NewReader([]byte{1, 40, 0}))
	fmt.Println(errors.Is(err, opentracing.ErrSpanContextCorrupted))
	// Output:
	// true
	// true
	// true
}

// Reset forgets finished spans; a span still open is recorded when it
// finishes.
func ExampleMockTracer_Reset() {
	tracer := mocktracer.New()
	tracer.StartSpan("done").Finish()
	open := tracer.StartSpan("open")

	tracer.Reset()
	fmt.Println("finished:", len(tracer.FinishedSpans()), "started:", len(tracer.StartedSpans()))
	open.Finish()
	fmt.Println("finished:", tracer.FinishedSpans()[0].OperationName())
	// Output:
	// finished: 0 started: 1
	// finished: open
}

// Ids come from a per-tracer source: two tracers never influence each
// other, and a custom source gives any ids a test wants.
func ExampleWithIDSource() {
	next := uint64(1000)
	tracer := mocktracer.New(mocktracer.WithIDSource(func() uint64 {
		next += 10
		return next
	}))
	root := tracer.StartSpan("root")
	child := tracer.StartSpan("child", opentracing.ChildOf(root.Context()))
	fmt.Println(child.Context())
	// Output:
	// MockSpanContext{trace=1010 span=1020 sampled=true}
}

// A test that watches spans as they finish polls FinishedSince with a
// cursor: each call copies only the spans finished since the last one.
func ExampleMockTracer_FinishedSince() {
	tracer := mocktracer.New()
	var cursor uint64
	poll := func() {
		var spans []*mocktracer.MockSpan
		spans, cursor = tracer.FinishedSince(cursor)
		for _, s := range spans {
			fmt.Print(s.OperationName(), " ")
		}
		fmt.Println("| cursor", cursor)
	}
	tracer.StartSpan("a").Finish()
	tracer.StartSpan("b").Finish()
	poll()
	poll()
	tracer.StartSpan("c").Finish()
	poll()
	// Output:
	// a b | cursor 2
	// | cursor 2
	// c | cursor 3
}
