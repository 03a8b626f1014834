package opentracing_test

import (
	"context"
	"testing"

	"github.com/tracebed/tracebed/opentracing"
)

// sink keeps results alive so the compiler cannot drop the calls.
var sink any

func BenchmarkNoopStartSpanFinish(b *testing.B) {
	parent := opentracing.NoopTracer{}.StartSpan("parent").Context()
	b.Run("concrete", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			opentracing.NoopTracer{}.StartSpan("op").Finish()
		}
	})
	b.Run("concrete/options", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			opentracing.NoopTracer{}.StartSpan("op", opentracing.ChildOf(parent), opentracing.Tag{Key: "k", Value: "v"}).Finish()
		}
	})
	b.Run("interface", func(b *testing.B) {
		opentracing.SetGlobalTracer(nil)
		tr := opentracing.GlobalTracer()
		b.ReportAllocs()
		for b.Loop() {
			tr.StartSpan("op").Finish()
		}
	})
	b.Run("interface/options", func(b *testing.B) {
		opentracing.SetGlobalTracer(nil)
		tr := opentracing.GlobalTracer()
		b.ReportAllocs()
		for b.Loop() {
			tr.StartSpan("op", opentracing.ChildOf(parent), opentracing.Tag{Key: "k", Value: "v"}).Finish()
		}
	})
}

func BenchmarkContextWithSpanSpanFromContext(b *testing.B) {
	sp := opentracing.NoopTracer{}.StartSpan("op")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sink = opentracing.SpanFromContext(opentracing.ContextWithSpan(ctx, sp))
	}
}

func BenchmarkStartSpanFromContext(b *testing.B) {
	opentracing.SetGlobalTracer(nil)
	parent := opentracing.NoopTracer{}.StartSpan("parent")
	b.Run("root", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			sp, c := opentracing.StartSpanFromContext(ctx, "op")
			sp.Finish()
			sink = c
		}
	})
	b.Run("child", func(b *testing.B) {
		ctx := opentracing.ContextWithSpan(context.Background(), parent)
		b.ReportAllocs()
		for b.Loop() {
			sp, c := opentracing.StartSpanFromContext(ctx, "op")
			sp.Finish()
			sink = c
		}
	})
}

func BenchmarkGlobalTracer(b *testing.B) {
	opentracing.SetGlobalTracer(nil)
	b.ReportAllocs()
	for b.Loop() {
		sink = opentracing.GlobalTracer()
	}
}
