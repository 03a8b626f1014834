package mocktracer_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// anyString draws unicode strings and arbitrary byte strings.
func anyString() *rapid.Generator[string] {
	return rapid.OneOf(rapid.String(), rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) }))
}

// genContext draws a valid MockSpanContext with arbitrary baggage.
func genContext() *rapid.Generator[mocktracer.MockSpanContext] {
	return rapid.Custom(func(t *rapid.T) mocktracer.MockSpanContext {
		sc := mocktracer.MockSpanContext{
			TraceID: rapid.Uint64Min(1).Draw(t, "trace"),
			SpanID:  rapid.Uint64Min(1).Draw(t, "span"),
			Sampled: rapid.Bool().Draw(t, "sampled"),
		}
		if b := rapid.MapOfN(anyString(), anyString(), 0, 5).Draw(t, "baggage"); len(b) > 0 {
			sc.Baggage = b
		}
		return sc
	})
}

// TestMockTracer_PropagationProperty: every valid context survives
// Inject/Extract in every format, next to unrelated carrier entries.
func TestMockTracer_PropagationProperty(t *testing.T) {
	tr := mocktracer.New()
	rapid.Check(t, func(t *rapid.T) {
		sc := genContext().Draw(t, "context")
		f := rapid.SampledFrom(formats).Draw(t, "format")
		in, out := newCarrier(f)
		if w, ok := in.(opentracing.TextMapWriter); ok {
			w.Set("unrelated-"+rapid.StringMatching(`[a-z]{0,8}`).Draw(t, "unrelated"), "x")
		}
		require.NoError(t, tr.Inject(sc, f, in))
		got, err := tr.Extract(f, out())
		require.NoError(t, err)
		require.Equal(t, sc, got)
	})
}

// TestMockTracer_BinaryCorruptionProperty: any single-byte change or cut
// of a Binary payload gives either a context (which then round-trips) or
// a sentinel error, never a panic.
func TestMockTracer_BinaryCorruptionProperty(t *testing.T) {
	tr := mocktracer.New()
	rapid.Check(t, func(t *rapid.T) {
		sc := genContext().Draw(t, "context")
		var buf bytes.Buffer
		require.NoError(t, tr.Inject(sc, opentracing.Binary, &buf))
		b := buf.Bytes()
		i := rapid.IntRange(0, len(b)-1).Draw(t, "index")
		if rapid.Bool().Draw(t, "cut") {
			b = b[:i]
		} else {
			b[i] = rapid.Byte().Draw(t, "byte")
		}
		got, err := tr.Extract(opentracing.Binary, bytes.NewReader(b))
		checkExtracted(t, tr, opentracing.Binary, got, err)
	})
}
