package bench

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	otgo "github.com/opentracing/opentracing-go"
	otgomock "github.com/opentracing/opentracing-go/mocktracer"
	"go.opentelemetry.io/otel/attribute"
	otelbaggage "go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// resetEvery bounds the spans the recording tracers keep, as in
// reference-baselines.md: the MockTracers and the SpanRecorder are reset
// every 4096 operations, so the heap does not grow with b.N while the
// amortised cost of growing their slices is still counted.
const resetEvery = 4096

// Tracers and spans are used through the API interfaces, as instrumented
// code does.
var (
	tbNoop   opentracing.Tracer = opentracing.NoopTracer{}
	otgoNoop otgo.Tracer        = otgo.NoopTracer{}
)

// newOTel returns an OTel SDK tracer that always samples and records into
// an in-memory SpanRecorder.
func newOTel() (oteltrace.Tracer, *tracetest.SpanRecorder) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithSpanProcessor(rec))
	return tp.Tracer("bench"), rec
}

func BenchmarkNoopStartFinish(b *testing.B) {
	b.Run("impl=tracebed", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			tbNoop.StartSpan("op").Finish()
		}
	})
	b.Run("impl=otgo", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			otgoNoop.StartSpan("op").Finish()
		}
	})
}

func BenchmarkNoopChildSetTagFinish(b *testing.B) {
	b.Run("impl=tracebed", func(b *testing.B) {
		parent := tbNoop.StartSpan("parent").Context()
		b.ReportAllocs()
		for range b.N {
			tbNoop.StartSpan("op", opentracing.ChildOf(parent)).SetTag("k", "v").Finish()
		}
	})
	b.Run("impl=otgo", func(b *testing.B) {
		parent := otgoNoop.StartSpan("parent").Context()
		b.ReportAllocs()
		for range b.N {
			otgoNoop.StartSpan("op", otgo.ChildOf(parent)).SetTag("k", "v").Finish()
		}
	})
}

func BenchmarkMockRootStartFinish(b *testing.B) {
	b.Run("impl=tracebed", func(b *testing.B) {
		tr := mocktracer.New()
		var t opentracing.Tracer = tr
		b.ReportAllocs()
		for i := range b.N {
			t.StartSpan("op").Finish()
			if i%resetEvery == resetEvery-1 {
				tr.Reset()
			}
		}
	})
	b.Run("impl=otgo", func(b *testing.B) {
		tr := otgomock.New()
		var t otgo.Tracer = tr
		b.ReportAllocs()
		for i := range b.N {
			t.StartSpan("op").Finish()
			if i%resetEvery == resetEvery-1 {
				tr.Reset()
			}
		}
	})
	b.Run("impl=otel", func(b *testing.B) {
		tr, rec := newOTel()
		ctx := context.Background()
		b.ReportAllocs()
		for i := range b.N {
			_, sp := tr.Start(ctx, "op")
			sp.End()
			if i%resetEvery == resetEvery-1 {
				rec.Reset()
			}
		}
	})
}

// BenchmarkMockRootStartFinishParallel runs root spans on one shared
// tracer from GOMAXPROCS goroutines: it shows contention, not speed.
func BenchmarkMockRootStartFinishParallel(b *testing.B) {
	b.Run("impl=tracebed", func(b *testing.B) {
		tr := mocktracer.New()
		var t opentracing.Tracer = tr
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 1; pb.Next(); i++ {
				t.StartSpan("op").Finish()
				if i%resetEvery == 0 {
					tr.Reset()
				}
			}
		})
	})
	b.Run("impl=otgo", func(b *testing.B) {
		tr := otgomock.New()
		var t otgo.Tracer = tr
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 1; pb.Next(); i++ {
				t.StartSpan("op").Finish()
				if i%resetEvery == 0 {
					tr.Reset()
				}
			}
		})
	})
	b.Run("impl=otel", func(b *testing.B) {
		tr, rec := newOTel()
		ctx := context.Background()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 1; pb.Next(); i++ {
				_, sp := tr.Start(ctx, "op")
				sp.End()
				if i%resetEvery == 0 {
					rec.Reset()
				}
			}
		})
	})
}

func BenchmarkMockChild3TagsLog(b *testing.B) {
	b.Run("impl=tracebed", func(b *testing.B) {
		tr := mocktracer.New()
		var t opentracing.Tracer = tr
		parent := t.StartSpan("parent").Context()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			sp := t.StartSpan("child", opentracing.ChildOf(parent))
			sp.SetTag("s", "v").SetTag("i", 42).SetTag("b", true)
			sp.LogKV("event", "hello", "count", 42)
			sp.Finish()
			if i%resetEvery == resetEvery-1 {
				tr.Reset()
			}
		}
	})
	b.Run("impl=otgo", func(b *testing.B) {
		tr := otgomock.New()
		var t otgo.Tracer = tr
		parent := t.StartSpan("parent").Context()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			sp := t.StartSpan("child", otgo.ChildOf(parent))
			sp.SetTag("s", "v").SetTag("i", 42).SetTag("b", true)
			sp.LogKV("event", "hello", "count", 42)
			sp.Finish()
			if i%resetEvery == resetEvery-1 {
				tr.Reset()
			}
		}
	})
	b.Run("impl=otel", func(b *testing.B) {
		tr, rec := newOTel()
		ctx, parent := tr.Start(context.Background(), "parent")
		defer parent.End()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			_, sp := tr.Start(ctx, "child")
			sp.SetAttributes(attribute.String("s", "v"), attribute.Int("i", 42), attribute.Bool("b", true))
			sp.AddEvent("hello", oteltrace.WithAttributes(attribute.Int("count", 42)))
			sp.End()
			if i%resetEvery == resetEvery-1 {
				rec.Reset()
			}
		}
	})
}

// Every propagated context carries one baggage item, user=alice.
func BenchmarkInjectExtract(b *testing.B) {
	tb := mocktracer.New()
	var tbT opentracing.Tracer = tb
	tbCtx := tbT.StartSpan("op").SetBaggageItem("user", "alice").Context()
	og := otgomock.New()
	var ogT otgo.Tracer = og
	ogCtx := ogT.StartSpan("op").SetBaggageItem("user", "alice").Context()

	b.Run("format=text_map/impl=tracebed", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			c := opentracing.TextMapCarrier{}
			must(b, tbT.Inject(tbCtx, opentracing.TextMap, c))
			_, err := tbT.Extract(opentracing.TextMap, c)
			must(b, err)
		}
	})
	b.Run("format=text_map/impl=otgo", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			c := otgo.TextMapCarrier{}
			must(b, ogT.Inject(ogCtx, otgo.TextMap, c))
			_, err := ogT.Extract(otgo.TextMap, c)
			must(b, err)
		}
	})
	b.Run("format=http_headers/impl=tracebed", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			c := opentracing.HTTPHeadersCarrier(http.Header{})
			must(b, tbT.Inject(tbCtx, opentracing.HTTPHeaders, c))
			_, err := tbT.Extract(opentracing.HTTPHeaders, c)
			must(b, err)
		}
	})
	b.Run("format=http_headers/impl=otgo", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			c := otgo.HTTPHeadersCarrier(http.Header{})
			must(b, ogT.Inject(ogCtx, otgo.HTTPHeaders, c))
			_, err := ogT.Extract(otgo.HTTPHeaders, c)
			must(b, err)
		}
	})
	// opentracing-go's mocktracer has no Binary format.
	b.Run("format=binary/impl=tracebed", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for range b.N {
			buf.Reset()
			must(b, tbT.Inject(tbCtx, opentracing.Binary, &buf))
			_, err := tbT.Extract(opentracing.Binary, &buf)
			must(b, err)
		}
	})
	// OTel's W3C trace context and baggage, into a map and into HTTP
	// headers: the counterparts of TextMap and HTTPHeaders.
	otelCarriers := []struct {
		format  string
		carrier func() propagation.TextMapCarrier
	}{
		{"text_map", func() propagation.TextMapCarrier { return propagation.MapCarrier{} }},
		{"http_headers", func() propagation.TextMapCarrier { return propagation.HeaderCarrier(http.Header{}) }},
	}
	for _, oc := range otelCarriers {
		b.Run("format="+oc.format+"/impl=otel", func(b *testing.B) {
			tr, _ := newOTel()
			member, err := otelbaggage.NewMember("user", "alice")
			must(b, err)
			bag, err := otelbaggage.New(member)
			must(b, err)
			ctx, sp := tr.Start(otelbaggage.ContextWithBaggage(context.Background(), bag), "op")
			defer sp.End()
			prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
			bg := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				c := oc.carrier()
				prop.Inject(ctx, c)
				got := prop.Extract(bg, c)
				if !oteltrace.SpanContextFromContext(got).IsValid() {
					b.Fatal("extracted an invalid span context")
				}
			}
		})
	}
}

func BenchmarkNoopContextWithSpan(b *testing.B) {
	bg := context.Background()
	b.Run("impl=tracebed", func(b *testing.B) {
		sp := tbNoop.StartSpan("op")
		b.ReportAllocs()
		for range b.N {
			if opentracing.SpanFromContext(opentracing.ContextWithSpan(bg, sp)) == nil {
				b.Fatal("lost the span")
			}
		}
	})
	b.Run("impl=otgo", func(b *testing.B) {
		sp := otgoNoop.StartSpan("op")
		b.ReportAllocs()
		for range b.N {
			if otgo.SpanFromContext(otgo.ContextWithSpan(bg, sp)) == nil {
				b.Fatal("lost the span")
			}
		}
	})
}

// BenchmarkMockContextWithSpan is ContextWithSpan + SpanFromContext with a
// recording tracer's span.
func BenchmarkMockContextWithSpan(b *testing.B) {
	bg := context.Background()
	b.Run("impl=tracebed", func(b *testing.B) {
		sp := mocktracer.New().StartSpan("op")
		b.ReportAllocs()
		for range b.N {
			if opentracing.SpanFromContext(opentracing.ContextWithSpan(bg, sp)) == nil {
				b.Fatal("lost the span")
			}
		}
	})
	b.Run("impl=otgo", func(b *testing.B) {
		sp := otgomock.New().StartSpan("op")
		b.ReportAllocs()
		for range b.N {
			if otgo.SpanFromContext(otgo.ContextWithSpan(bg, sp)) == nil {
				b.Fatal("lost the span")
			}
		}
	})
	b.Run("impl=otel", func(b *testing.B) {
		tr, _ := newOTel()
		_, sp := tr.Start(bg, "op")
		defer sp.End()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if !oteltrace.SpanFromContext(oteltrace.ContextWithSpan(bg, sp)).SpanContext().IsValid() {
				b.Fatal("lost the span")
			}
		}
	})
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

var sinkTime time.Time

// BenchmarkTimeNow is one wall-clock read: every recording tracer here
// reads it twice per span (start and finish), so it is the floor under
// the MockRootStartFinish numbers on this machine.
func BenchmarkTimeNow(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		sinkTime = time.Now()
	}
}
