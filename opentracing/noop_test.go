package opentracing_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
)

func TestNoopTracer(t *testing.T) {
	var tr opentracing.NoopTracer // the zero value is ready to use
	sp := tr.StartSpan("op", opentracing.Tag{Key: "k", Value: "v"})
	assert.True(t, sp == sp.SetTag("k", 1).SetOperationName("x").SetBaggageItem("b", "v"), "setters return the span")
	assert.Equal(t, "", sp.BaggageItem("b"), "the no-op keeps no baggage")
	calls := 0
	sp.Context().ForeachBaggageItem(func(k, v string) bool { calls++; return true })
	assert.Zero(t, calls)
	assert.Equal(t, tr, sp.Tracer())

	scope := tr.StartActiveSpan("active")
	assert.NotNil(t, scope.Span())
	assert.Equal(t, opentracing.NoopScopeManager{}, scope.Manager())
	assert.Nil(t, tr.ActiveSpan(), "nothing is ever active")
	assert.Nil(t, tr.ScopeManager().Active())
	scope.Close()

	assert.NoError(t, tr.Inject(sp.Context(), opentracing.TextMap, opentracing.TextMapCarrier{}))
	carrier := opentracing.TextMapCarrier{}
	assert.NoError(t, tr.Inject(sp.Context(), "unknown", carrier))
	assert.Empty(t, carrier, "Inject writes nothing")
	buf := new(bytes.Buffer)
	assert.NoError(t, tr.Inject(sp.Context(), opentracing.Binary, buf))
	assert.Zero(t, buf.Len())

	sc, err := tr.Extract(opentracing.TextMap, opentracing.TextMapCarrier{"k": "v"})
	assert.Nil(t, sc)
	assert.True(t, errors.Is(err, opentracing.ErrSpanContextNotFound))
}

func TestNoopSpan_EveryMethodIsSafe(t *testing.T) {
	sp := opentracing.NoopTracer{}.StartSpan("op")
	assert.NotPanics(t, func() {
		sp.LogFields(log.String("k", "v"))
		sp.LogKV("k", "v", "odd")
		sp.LogFieldsAt(time.Time{}, log.Int("n", 1))
		sp.LogEvent("e")
		sp.LogEventWithPayload("e", 1)
		sp.Log(opentracing.LogData{Event: "e"})
		sp.FinishWithOptions(opentracing.FinishOptions{})
		sp.Finish()
		sp.Finish()
	})
}

func TestNoopScopeManager(t *testing.T) {
	var sm opentracing.NoopScopeManager
	tr := newRecTracer()
	sp := &countFinish{Span: tr.StartSpan("x")}
	scope := sm.Activate(sp, true)
	assert.Nil(t, sm.Active())
	scope.Close()
	scope.Close()
	assert.Zero(t, sp.n, "the no-op scope never finishes the span")
}

type countFinish struct {
	opentracing.Span
	n int
}

func (c *countFinish) Finish() { c.n++ }

// TestNoop_ZeroAllocs checks allocation counts, not time: deterministic.
func TestNoop_ZeroAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	parent := opentracing.NoopTracer{}.StartSpan("parent").Context()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	resetGlobal(t)
	// iface is opaque to the compiler (an atomic load), so calls on it are
	// real dynamic dispatch and cannot be devirtualised.
	iface := opentracing.GlobalTracer()
	tests := []struct {
		name string
		f    func()
		want float64
	}{
		{"concrete, no options", func() { opentracing.NoopTracer{}.StartSpan("op").Finish() }, 0},
		{"concrete, value options", func() {
			opentracing.NoopTracer{}.StartSpan("op",
				opentracing.ChildOf(parent), opentracing.Tag{Key: "k", Value: "v"},
				opentracing.StartTime(start), opentracing.IgnoreActiveSpan()).Finish()
		}, 0},
		{"interface, no options", func() { iface.StartSpan("op").Finish() }, 0},
		{"interface, one-word options", func() {
			iface.StartSpan("op", opentracing.IgnoreActiveSpan(), opentracing.FinishOnClose(false)).Finish()
		}, 1},
		{"active span", func() { opentracing.NoopTracer{}.StartActiveSpan("op").Close() }, 0},
		{"span methods", func() {
			sp := iface.StartSpan("op")
			sp.SetTag("k", "v").SetOperationName("x").SetBaggageItem("b", "v")
			sp.Finish()
		}, 0},
		// Through an interface the compiler cannot prove that the callee
		// keeps no reference, so the variadic slice goes to the heap, and
		// so does each option that is not a pointer-sized value. This is
		// the cost of dynamic dispatch (opentracing-go pays it too), not of
		// the no-op: on a NoopTracer value the same calls allocate nothing.
		{"interface, LogFields", func() { iface.StartSpan("op").LogFields(log.String("k", "v"), log.Int("n", 1)) }, 1},
		{"interface, value options", func() {
			iface.StartSpan("op", opentracing.ChildOf(parent), opentracing.Tag{Key: "k", Value: "v"}).Finish()
		}, 3},
		{"global StartSpan", func() { opentracing.StartSpan("op").Finish() }, 0},
		{"ContextWithSpan+SpanFromContext", func() {
			ctx := opentracing.ContextWithSpan(context.Background(), opentracing.NoopTracer{}.StartSpan("op"))
			opentracing.SpanFromContext(ctx).Finish()
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, testing.AllocsPerRun(100, tt.f))
		})
	}
}
