package ext_test

import (
	"errors"
	"fmt"
	"sort"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/opentracing/log"
)

// printingSpan is a no-op span that prints what is set on it, so the
// examples show exactly what a tracer receives.
type printingSpan struct{ opentracing.Span }

func newPrintingSpan() printingSpan {
	return printingSpan{opentracing.NoopTracer{}.StartSpan("example")}
}

func (s printingSpan) SetTag(k string, v any) opentracing.Span {
	fmt.Printf("tag %s=%v (%T)\n", k, v, v)
	return s
}

func (s printingSpan) LogFields(fields ...log.Field) {
	for _, f := range fields {
		fmt.Printf("log %s\n", f)
	}
}

// Typed setters only accept a value of the tag's type.
func Example() {
	span := newPrintingSpan()
	ext.SpanKindRPCClient.Set(span)
	ext.HTTPMethod.Set(span, "GET")
	ext.HTTPUrl.Set(span, "https://example.com/feed")
	ext.HTTPStatusCode.Set(span, 200)
	ext.PeerHostIPv4.SetString(span, "127.0.0.1")
	// Output:
	// tag span.kind=client (string)
	// tag http.method=GET (string)
	// tag http.url=https://example.com/feed (string)
	// tag http.status_code=200 (uint16)
	// tag peer.ipv4=2130706433 (uint32)
}

// A span.kind tag is also a StartSpan option.
func ExampleSpanKindRPCServer() {
	var o opentracing.StartSpanOptions
	ext.SpanKindRPCServer.Apply(&o)
	keys := make([]string, 0, len(o.Tags))
	for k := range o.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%v\n", k, o.Tags[k])
	}
	// Output:
	// span.kind=server
}

// LogError tags the span and logs the error with the standard keys.
func ExampleLogError() {
	span := newPrintingSpan()
	ext.LogError(span, errors.New("connection refused"), log.String("db.instance", "customers"))
	// Output:
	// tag error=true (bool)
	// log event:error
	// log error.kind:*errors.errorString
	// log error.object:connection refused
	// log message:connection refused
	// log db.instance:customers
}
