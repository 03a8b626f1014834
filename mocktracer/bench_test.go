package mocktracer_test

import (
	"bytes"
	"context"
	"net/http"
	"runtime"
	"testing"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// resetEvery bounds the recorded spans in benchmarks, as in
// reference-baselines.md, so that GC scanning does not grow with b.N.
const resetEvery = 4096

func BenchmarkMockTracer_StartFinishRoot(b *testing.B) {
	tr := mocktracer.New()
	b.ReportAllocs()
	for i := range b.N {
		tr.StartSpan("op").Finish()
		if i%resetEvery == resetEvery-1 {
			tr.Reset()
		}
	}
}

func BenchmarkMockTracer_StartFinishRootParallel(b *testing.B) {
	tr := mocktracer.New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			tr.StartSpan("op").Finish()
			if i++; i%resetEvery == 0 {
				tr.Reset()
			}
		}
	})
}

func BenchmarkMockTracer_Child3TagsLogKV(b *testing.B) {
	tr := mocktracer.New()
	parent := tr.StartSpan("parent")
	pctx := parent.Context()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		sp := tr.StartSpan("child", opentracing.ChildOf(pctx))
		sp.SetTag("s", "v").SetTag("i", 42).SetTag("b", true)
		sp.LogKV("event", "hello", "count", 42)
		sp.Finish()
		if i%resetEvery == resetEvery-1 {
			tr.Reset()
		}
	}
}

func BenchmarkMockTracer_InjectExtract(b *testing.B) {
	tr := mocktracer.New()
	sc := tr.StartSpan("op").SetBaggageItem("user", "alice").Context()
	b.Run("text_map", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			c := opentracing.TextMapCarrier{}
			if err := tr.Inject(sc, opentracing.TextMap, c); err != nil {
				b.Fatal(err)
			}
			if _, err := tr.Extract(opentracing.TextMap, c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http_headers", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			c := opentracing.HTTPHeadersCarrier(http.Header{})
			if err := tr.Inject(sc, opentracing.HTTPHeaders, c); err != nil {
				b.Fatal(err)
			}
			if _, err := tr.Extract(opentracing.HTTPHeaders, c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("binary", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for range b.N {
			buf.Reset()
			if err := tr.Inject(sc, opentracing.Binary, &buf); err != nil {
				b.Fatal(err)
			}
			if _, err := tr.Extract(opentracing.Binary, &buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMockTracer_ContextRoundTrip(b *testing.B) {
	tr := mocktracer.New()
	parent := tr.StartSpan("parent")
	bg := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ctx := opentracing.ContextWithSpan(bg, parent)
		sp := opentracing.SpanFromContext(ctx)
		child, _ := opentracing.StartSpanFromContextWithTracer(ctx, tr, "child")
		child.Finish()
		if sp == nil {
			b.Fatal("no span in ctx")
		}
		if i%resetEvery == resetEvery-1 {
			tr.Reset()
		}
	}
}

// BenchmarkMockTracer_FinishWhileReading finishes spans on 64 goroutines
// (SetParallelism on GOMAXPROCS 2; 32 per P elsewhere), alone and with one
// more goroutine polling what finished in a loop: by FinishedSince's
// cursor, and by copying FinishedSpans as tests did before there was a
// cursor. Compare the variants with benchstat; ns/op is per finished span.
func BenchmarkMockTracer_FinishWhileReading(b *testing.B) {
	readers := []struct {
		name string
		poll func(tr *mocktracer.MockTracer, stop <-chan struct{})
	}{
		{"alone", nil},
		{"FinishedSince", func(tr *mocktracer.MockTracer, stop <-chan struct{}) {
			var cursor uint64
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, cursor = tr.FinishedSince(cursor)
			}
		}},
		{"FinishedSpans", func(tr *mocktracer.MockTracer, stop <-chan struct{}) {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = tr.FinishedSpans()
			}
		}},
	}
	for _, r := range readers {
		b.Run("reader="+r.name, func(b *testing.B) {
			tr := mocktracer.New()
			stop, done := make(chan struct{}), make(chan struct{})
			if r.poll != nil {
				go func() { defer close(done); r.poll(tr, stop) }()
			} else {
				close(done)
			}
			b.ReportAllocs()
			b.SetParallelism(64 / max(runtime.GOMAXPROCS(0), 1))
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					tr.StartSpan("op").Finish()
					if i++; i%resetEvery == 0 {
						tr.Reset()
					}
				}
			})
			b.StopTimer()
			close(stop)
			<-done
		})
	}
}
