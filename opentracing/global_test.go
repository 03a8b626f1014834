package opentracing_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracebed/tracebed/opentracing"
)

// resetGlobal restores the NoopTracer when the test ends.
func resetGlobal(t *testing.T) {
	t.Helper()
	opentracing.SetGlobalTracer(nil)
	t.Cleanup(func() { opentracing.SetGlobalTracer(nil) })
}

func TestGlobalTracer_DefaultIsNoop(t *testing.T) {
	resetGlobal(t)
	assert.Equal(t, opentracing.NoopTracer{}, opentracing.GlobalTracer())
	assert.False(t, opentracing.IsGlobalTracerRegistered())
}

func TestSetGlobalTracer(t *testing.T) {
	resetGlobal(t)
	tr := newRecTracer()
	opentracing.SetGlobalTracer(tr)
	assert.Same(t, tr, opentracing.GlobalTracer())
	assert.True(t, opentracing.IsGlobalTracerRegistered())

	sp := opentracing.StartSpan("global", opentracing.Tag{Key: "k", Value: "v"})
	assert.Same(t, tr, sp.Tracer(), "StartSpan uses the global tracer")
	assert.Equal(t, map[string]any{"k": "v"}, tr.last().Tags)

	// Tracers of different concrete types may replace each other.
	opentracing.SetGlobalTracer(opentracing.NoopTracer{})
	assert.Equal(t, opentracing.NoopTracer{}, opentracing.GlobalTracer())
	assert.True(t, opentracing.IsGlobalTracerRegistered())

	opentracing.SetGlobalTracer(nil)
	assert.Equal(t, opentracing.NoopTracer{}, opentracing.GlobalTracer())
	assert.False(t, opentracing.IsGlobalTracerRegistered())
}

// TestGlobalTracer_Concurrent sets and reads the global tracer from many
// goroutines; under -race it proves there is no data race, and every read
// sees one of the tracers set, never a torn value.
func TestGlobalTracer_Concurrent(t *testing.T) {
	resetGlobal(t)
	tracers := []opentracing.Tracer{newRecTracer(), newRecTracer(), opentracing.NoopTracer{}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if g%2 == 0 {
					opentracing.SetGlobalTracer(tracers[(g+i)%len(tracers)])
					continue
				}
				got := opentracing.GlobalTracer()
				if !(got == tracers[0] || got == tracers[1] || got == tracers[2]) {
					t.Errorf("GlobalTracer() = %T(%p), want one of the tracers set", got, got)
					return
				}
				opentracing.StartSpan("concurrent").Finish()
			}
		})
	}
	wg.Wait()
}
