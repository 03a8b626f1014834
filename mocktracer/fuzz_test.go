package mocktracer_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// fatalHelper is the part of testing.TB and rapid.T the oracle needs.
type fatalHelper interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkExtracted is the fuzz oracle: Extract either failed with a sentinel
// error and a nil context, or gave a context that survives another
// Inject/Extract unchanged.
func checkExtracted(t fatalHelper, tr *mocktracer.MockTracer, format opentracing.BuiltinFormat, sc opentracing.SpanContext, err error) {
	t.Helper()
	if err != nil {
		if sc != nil {
			t.Fatalf("Extract returned %v with error %v, want a nil context", sc, err)
		}
		if !errors.Is(err, opentracing.ErrSpanContextNotFound) && !errors.Is(err, opentracing.ErrSpanContextCorrupted) {
			t.Fatalf("Extract error %v is not a sentinel", err)
		}
		return
	}
	msc := sc.(mocktracer.MockSpanContext)
	if msc.TraceID == 0 || msc.SpanID == 0 {
		t.Fatalf("Extract returned zero ids: %v", msc)
	}
	in, out := newCarrier(format)
	if err := tr.Inject(sc, format, in); err != nil {
		t.Fatalf("re-Inject of %v: %v", msc, err)
	}
	again, err := tr.Extract(format, out())
	if err != nil {
		t.Fatalf("re-Extract of %v: %v", msc, err)
	}
	if got := again.(mocktracer.MockSpanContext); got.String() != msc.String() {
		t.Fatalf("round trip changed the context: %v -> %v", msc, got)
	}
}

// textSeeds are carriers as "key\nvalue\nkey\nvalue...".
var textSeeds = []string{
	"",
	"mockpfx-ids-traceid\n1\nmockpfx-ids-spanid\n2\nmockpfx-ids-sampled\ntrue",
	"mockpfx-ids-traceid\n1\nmockpfx-ids-spanid\n2\nmockpfx-baggage-k\nv\nother\nx",
	"Mockpfx-Ids-Traceid\n1\nMockpfx-Ids-Spanid\n2\nMockpfx-Baggage-%E2%9C%93\n%E2%9C%93%20x",
	"mockpfx-ids-traceid\nzz",
	"mockpfx-ids-traceid\n0\nmockpfx-ids-spanid\n2",
	"mockpfx-baggage-k\n%zz",
	"mockpfx-ids-sampled\nmaybe",
}

// textCarrier decodes a fuzz input into a TextMapCarrier.
func textCarrier(s string) opentracing.TextMapCarrier {
	c := opentracing.TextMapCarrier{}
	parts := strings.Split(s, "\n")
	for i := 0; i+1 < len(parts); i += 2 {
		c[parts[i]] = parts[i+1]
	}
	return c
}

func FuzzExtractTextMap(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	tr := mocktracer.New()
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := tr.Extract(opentracing.TextMap, textCarrier(s))
		checkExtracted(t, tr, opentracing.TextMap, sc, err)
	})
}

func FuzzExtractHTTPHeaders(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	tr := mocktracer.New()
	f.Fuzz(func(t *testing.T, s string) {
		h := http.Header{}
		for k, v := range textCarrier(s) {
			h.Add(k, v) // canonicalises the key, like a real request
		}
		sc, err := tr.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h))
		checkExtracted(t, tr, opentracing.HTTPHeaders, sc, err)
	})
}

func FuzzExtractBinary(f *testing.F) {
	tr := mocktracer.New()
	for _, sc := range []mocktracer.MockSpanContext{
		{TraceID: 1, SpanID: 2, Sampled: true},
		{TraceID: 1 << 63, SpanID: 3, Baggage: map[string]string{"ключ": "値", "": ""}},
	} {
		var buf bytes.Buffer
		if err := tr.Inject(sc, opentracing.Binary, &buf); err != nil {
			f.Fatal(err)
		}
		valid := buf.Bytes()
		f.Add(valid)
		f.Add(valid[:len(valid)-1])
		f.Add(append(bytes.Clone(valid), valid...))
	}
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2, 17})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := tr.Extract(opentracing.Binary, bytes.NewReader(b))
		checkExtracted(t, tr, opentracing.Binary, sc, err)
	})
}
