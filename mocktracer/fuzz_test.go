package mocktracer_test

import (
	"bytes"
	"errors"
	"fmt"
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
		checkErrLen(t, err)
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

// checkErrLen fails unless err's message is at most maxErrLen bytes.
func checkErrLen(t fatalHelper, err error) {
	t.Helper()
	if n := len(err.Error()); n > maxErrLen {
		t.Fatalf("Extract error of %d bytes, want at most %d: %.300s", n, maxErrLen, err)
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

// headerPairs decodes a fuzz input into key/value pairs, in order and
// with repeats, as "key\nvalue\nkey\nvalue...".
func headerPairs(s string) [][2]string {
	var pairs [][2]string
	parts := strings.Split(s, "\n")
	for i := 0; i+1 < len(parts); i += 2 {
		pairs = append(pairs, [2]string{parts[i], parts[i+1]})
	}
	return pairs
}

// sentinel returns the sentinel error err wraps, or err itself.
func sentinel(err error) error {
	for _, s := range []error{opentracing.ErrSpanContextNotFound, opentracing.ErrSpanContextCorrupted, opentracing.ErrInvalidCarrier} {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}

func FuzzExtractHTTPHeaders(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s, uint8(0))
		f.Add(s, uint8(0xff))
	}
	f.Add("mockpfx-ids-traceid\n1\nMockpfx-Ids-Traceid\n1\nmockpfx-ids-spanid\n2", uint8(1))
	f.Add("mockpfx-ids-traceid\n1\nmockpfx-ids-spanid\n2\nmockpfx-baggage-k\nv\nMOCKPFX-BAGGAGE-K\nw", uint8(0b0101))
	tr := mocktracer.New()
	f.Fuzz(func(t *testing.T, s string, raw uint8) {
		// Bit i%8 of raw says whether pair i is stored with its key as
		// given (as HTTP/2 and some proxies deliver lower-case names)
		// rather than canonicalised by h.Add, as a real request is.
		h, canonical := http.Header{}, http.Header{}
		for i, kv := range headerPairs(s) {
			k, v := kv[0], kv[1]
			if raw>>(i%8)&1 != 0 {
				h[k] = append(h[k], v)
			} else {
				h.Add(k, v)
			}
			canonical.Add(k, v)
		}
		sc, err := tr.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h))
		checkExtracted(t, tr, opentracing.HTTPHeaders, sc, err)
		// Header names are case-insensitive: the same pairs with every
		// name canonicalised give the same answer.
		want, wantErr := tr.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(canonical))
		if sentinel(err) != sentinel(wantErr) || fmt.Sprint(sc) != fmt.Sprint(want) {
			t.Fatalf("Extract(%q) = %v, %v; with canonical names %v, %v", h, sc, err, want, wantErr)
		}
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
