package mocktracer_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

var formats = []opentracing.BuiltinFormat{opentracing.TextMap, opentracing.HTTPHeaders, opentracing.Binary}

// newCarrier returns an empty inject carrier and a function that turns it
// into an extract carrier.
func newCarrier(f opentracing.BuiltinFormat) (any, func() any) {
	switch f {
	case opentracing.TextMap:
		c := opentracing.TextMapCarrier{}
		return c, func() any { return c }
	case opentracing.HTTPHeaders:
		h := http.Header{}
		return opentracing.HTTPHeadersCarrier(h), func() any { return opentracing.HTTPHeadersCarrier(h) }
	default:
		var buf bytes.Buffer
		return &buf, func() any { return bytes.NewReader(buf.Bytes()) }
	}
}

func TestMockTracer_PropagationRoundTrip(t *testing.T) {
	contexts := map[string]mocktracer.MockSpanContext{
		"no baggage":  {TraceID: 1, SpanID: 2, Sampled: true},
		"not sampled": {TraceID: 1 << 63, SpanID: 1<<64 - 1, Sampled: false},
		"baggage": {TraceID: 7, SpanID: 8, Sampled: true, Baggage: map[string]string{
			"user": "alice", "Mixed-Case_Key": "Value With Spaces", "": "empty key", "empty": "",
		}},
		"unicode baggage": {TraceID: 9, SpanID: 10, Sampled: true, Baggage: map[string]string{
			"ключ": "値 ✓", "emoji🙂": "a=b&c;d,e\"f'g", "ctl": "line1\r\nline2\x00\t", "pct%": "100%",
			"mockpfx-ids-traceid": "a baggage key that looks like ours",
		}},
	}
	tr := newTracer()
	for _, f := range formats {
		for name, sc := range contexts {
			t.Run(fmt.Sprintf("%v/%s", f, name), func(t *testing.T) {
				in, out := newCarrier(f)
				require.NoError(t, tr.Inject(sc, f, in))
				got, err := tr.Extract(f, out())
				require.NoError(t, err)
				want := sc
				if len(want.Baggage) == 0 {
					want.Baggage = nil
				}
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestMockTracer_PropagationOfSpanBaggage(t *testing.T) {
	tr := newTracer()
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			parent := tr.StartSpan("parent").SetBaggageItem("ü", "✓ 1")
			in, out := newCarrier(f)
			require.NoError(t, tr.Inject(parent.Context(), f, in))
			sc, err := tr.Extract(f, out())
			require.NoError(t, err)
			child := tr.StartSpan("child", opentracing.ChildOf(sc))
			assert.Equal(t, "✓ 1", child.BaggageItem("ü"))
			assert.Equal(t, mockSpan(parent).SpanID(), mockSpan(child).ParentID())
			assert.Equal(t, mockSpan(parent).TraceID(), mockSpan(child).TraceID())
		})
	}
}

func TestMockTracer_PropagationUnrelatedEntries(t *testing.T) {
	sc := mocktracer.MockSpanContext{TraceID: 3, SpanID: 4, Sampled: true, Baggage: map[string]string{"k": "v"}}
	tr := newTracer()
	for _, f := range []opentracing.BuiltinFormat{opentracing.TextMap, opentracing.HTTPHeaders} {
		t.Run(f.String(), func(t *testing.T) {
			c := opentracing.TextMapCarrier{"other": "x", "Content-Type": "text/plain", "mockpfx": "no dash", "traceparent": "00-abc"}
			require.NoError(t, tr.Inject(sc, f, c))
			assert.Equal(t, "x", c["other"], "unrelated entries are kept")
			got, err := tr.Extract(f, c)
			require.NoError(t, err)
			assert.Equal(t, sc, got)
		})
	}
	t.Run("binary appends", func(t *testing.T) {
		buf := bytes.NewBufferString("prefix:")
		require.NoError(t, tr.Inject(sc, opentracing.Binary, buf))
		assert.True(t, strings.HasPrefix(buf.String(), "prefix:"))
	})
}

func TestMockTracer_HTTPHeaders(t *testing.T) {
	tr := newTracer()
	sc := mocktracer.MockSpanContext{TraceID: 5, SpanID: 6, Sampled: true, Baggage: map[string]string{
		"UserID": "Ünïcode value\r\n", "x y": "a b",
	}}
	h := http.Header{}
	require.NoError(t, tr.Inject(sc, opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h)))
	for k, vs := range h {
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				assert.True(t, v[i] > 0x20 && v[i] < 0x7f, "header %s value %q has byte %#x", k, v, v[i])
			}
		}
	}
	// Header names are case-insensitive: lower-case and upper-case them.
	for _, conv := range []func(string) string{strings.ToLower, strings.ToUpper} {
		c := opentracing.TextMapCarrier{}
		for k, vs := range h {
			c[conv(k)] = vs[0]
		}
		got, err := tr.Extract(opentracing.HTTPHeaders, c)
		require.NoError(t, err)
		assert.Equal(t, sc, got)
	}
	// The same header twice is ambiguous.
	h.Add("Mockpfx-Ids-Traceid", "5")
	_, err := tr.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h))
	assert.ErrorIs(t, err, opentracing.ErrSpanContextCorrupted)
}

// TestMockTracer_HTTPHeadersPlainHeader: a plain http.Header is a carrier
// of HTTPHeaders both ways, as HTTPHeadersCarrier(h) is.
func TestMockTracer_HTTPHeadersPlainHeader(t *testing.T) {
	tr := newTracer()
	sc := mocktracer.MockSpanContext{TraceID: 5, SpanID: 6, Sampled: true, Baggage: map[string]string{"user": "Ünï"}}
	h := http.Header{}
	require.NoError(t, tr.Inject(sc, opentracing.HTTPHeaders, h))
	got, err := tr.Extract(opentracing.HTTPHeaders, h)
	require.NoError(t, err)
	assert.Equal(t, sc, got)
	got, err = tr.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h))
	require.NoError(t, err)
	assert.Equal(t, sc, got, "the same as through HTTPHeadersCarrier")

	// A *http.Header, which Inject takes (Set is in its method set).
	hp := &http.Header{}
	require.NoError(t, tr.Inject(sc, opentracing.HTTPHeaders, hp))
	got, err = tr.Extract(opentracing.HTTPHeaders, hp)
	require.NoError(t, err)
	assert.Equal(t, sc, got)
}

// chanReader is a TextMapReader and an io.Reader fed by a channel: a nil
// one blocks for ever.
type chanReader chan string

func (c chanReader) ForeachKey(handler func(k, v string) error) error {
	for kv := range c {
		if err := handler(kv, kv); err != nil {
			return err
		}
	}
	return nil
}
func (c chanReader) Read(p []byte) (int, error) { return copy(p, <-c), nil }

// errReader is a TextMapReader and an io.Reader that fail.
type errReader struct{ err error }

func (r errReader) ForeachKey(func(k, v string) error) error { return r.err }
func (r errReader) Read([]byte) (int, error)                 { return 0, r.err }

// ptrCarrier is a carrier of every kind whose methods, on a pointer
// receiver, dereference it: a nil *ptrCarrier panics in them.
type ptrCarrier struct{ m map[string]string }

func (c *ptrCarrier) Set(k, v string) { c.m[k] = v }
func (c *ptrCarrier) ForeachKey(handler func(k, v string) error) error {
	for k, v := range c.m {
		if err := handler(k, v); err != nil {
			return err
		}
	}
	return nil
}
func (c *ptrCarrier) Read(p []byte) (int, error)  { return 0, io.EOF }
func (c *ptrCarrier) Write(p []byte) (int, error) { c.m["w"] += string(p); return len(p), nil }

// readerFunc is a TextMapReader made of a func; a nil one panics when
// called.
type readerFunc func(handler func(k, v string) error) error

func (f readerFunc) ForeachKey(handler func(k, v string) error) error { return f(handler) }

// mapWriter is a TextMapWriter over a map; a nil one panics in Set.
type mapWriter map[string]string

func (w mapWriter) Set(k, v string) { w[k] = v }

// binaryOf returns the Binary encoding of sc.
func binaryOf(t testing.TB, sc mocktracer.MockSpanContext) []byte {
	var buf bytes.Buffer
	require.NoError(t, mocktracer.New().Inject(sc, opentracing.Binary, &buf))
	return buf.Bytes()
}

func TestMockTracer_ExtractErrors(t *testing.T) {
	errIO := errors.New("disk on fire")
	valid := binaryOf(t, mocktracer.MockSpanContext{TraceID: 1, SpanID: 2, Sampled: true, Baggage: map[string]string{"k": "v"}})
	withByte := func(i int, b byte) []byte {
		c := bytes.Clone(valid)
		c[i] = b
		return c
	}
	ids := func(kv ...string) opentracing.TextMapCarrier {
		c := opentracing.TextMapCarrier{"unrelated": "1"}
		for i := 0; i < len(kv); i += 2 {
			c[kv[i]] = kv[i+1]
		}
		return c
	}
	text := []opentracing.BuiltinFormat{opentracing.TextMap, opentracing.HTTPHeaders}
	type test struct {
		name    string
		formats []opentracing.BuiltinFormat
		carrier any
		want    error
	}
	tests := []test{
		{"empty map", text, opentracing.TextMapCarrier{}, opentracing.ErrSpanContextNotFound},
		{"only unrelated", text, ids(), opentracing.ErrSpanContextNotFound},
		{"empty header", text, opentracing.HTTPHeadersCarrier{}, opentracing.ErrSpanContextNotFound},
		{"bad trace id", text, ids("mockpfx-ids-traceid", "x1", "mockpfx-ids-spanid", "2"), opentracing.ErrSpanContextCorrupted},
		// The opentracing-go bug: a corrupted id alone was "not found".
		{"only a corrupted id", text, ids("mockpfx-ids-traceid", "zz"), opentracing.ErrSpanContextCorrupted},
		{"negative span id", text, ids("mockpfx-ids-traceid", "1", "mockpfx-ids-spanid", "-2"), opentracing.ErrSpanContextCorrupted},
		{"overflow", text, ids("mockpfx-ids-traceid", "18446744073709551616", "mockpfx-ids-spanid", "2"), opentracing.ErrSpanContextCorrupted},
		{"zero id", text, ids("mockpfx-ids-traceid", "0", "mockpfx-ids-spanid", "2"), opentracing.ErrSpanContextCorrupted},
		{"missing span id", text, ids("mockpfx-ids-traceid", "1"), opentracing.ErrSpanContextCorrupted},
		{"only baggage", text, ids("mockpfx-baggage-k", "v"), opentracing.ErrSpanContextCorrupted},
		{"only sampled", text, ids("mockpfx-ids-sampled", "true"), opentracing.ErrSpanContextCorrupted},
		{"bad sampled", text, ids("mockpfx-ids-traceid", "1", "mockpfx-ids-spanid", "2", "mockpfx-ids-sampled", "maybe"), opentracing.ErrSpanContextCorrupted},
		{"unknown id field", text, ids("mockpfx-ids-traceid", "1", "mockpfx-ids-spanid", "2", "mockpfx-ids-color", "red"), opentracing.ErrSpanContextCorrupted},
		{"reader error", text, errReader{errIO}, opentracing.ErrSpanContextCorrupted},
		{"bad escape", []opentracing.BuiltinFormat{opentracing.HTTPHeaders},
			ids("mockpfx-ids-traceid", "1", "mockpfx-ids-spanid", "2", "mockpfx-baggage-k", "%zz"), opentracing.ErrSpanContextCorrupted},
		{"truncated escape", []opentracing.BuiltinFormat{opentracing.HTTPHeaders},
			ids("mockpfx-ids-traceid", "1", "mockpfx-ids-spanid", "2", "mockpfx-baggage-k%4", "v"), opentracing.ErrSpanContextCorrupted},
		{"duplicate baggage after unescape", []opentracing.BuiltinFormat{opentracing.HTTPHeaders},
			ids("mockpfx-ids-traceid", "1", "mockpfx-ids-spanid", "2", "mockpfx-baggage-a", "1", "mockpfx-baggage-%61", "2"), opentracing.ErrSpanContextCorrupted},
		{"wrong carrier", text, "a string", opentracing.ErrInvalidCarrier},
		{"nil carrier", text, nil, opentracing.ErrInvalidCarrier},
		// A plain http.Header is taken as HTTPHeadersCarrier, by Extract as
		// by Inject.
		{"plain http.Header", text, http.Header{"Content-Type": {"text/plain"}}, opentracing.ErrSpanContextNotFound},
		{"nil http.Header", text, http.Header(nil), opentracing.ErrSpanContextNotFound},
		{"corrupted plain http.Header", text, http.Header{"mockpfx-ids-traceid": {"zz"}}, opentracing.ErrSpanContextCorrupted},

		{"empty reader", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(nil), opentracing.ErrSpanContextNotFound},
		{"unknown version", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(withByte(0, 2)), opentracing.ErrSpanContextCorrupted},
		{"length too small", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(withByte(1, 3)), opentracing.ErrSpanContextCorrupted},
		{"length too large", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(append(withByte(1, byte(len(valid))), 0)), opentracing.ErrSpanContextCorrupted},
		{"huge length", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f}), opentracing.ErrSpanContextCorrupted},
		{"varint overflow", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), opentracing.ErrSpanContextCorrupted},
		{"zero trace id", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(withByte(9, 0)), opentracing.ErrSpanContextCorrupted},
		{"unknown flag", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(withByte(18, 3)), opentracing.ErrSpanContextCorrupted},
		{"baggage count too high", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(withByte(19, 2)), opentracing.ErrSpanContextCorrupted},
		{"baggage count too low", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(withByte(19, 0)), opentracing.ErrSpanContextCorrupted},
		{"key length too long", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(withByte(20, 9)), opentracing.ErrSpanContextCorrupted},
		{"truncated", []opentracing.BuiltinFormat{opentracing.Binary}, bytes.NewReader(valid[:len(valid)-1]), opentracing.ErrSpanContextCorrupted},
		{"io error", []opentracing.BuiltinFormat{opentracing.Binary}, errReader{errIO}, opentracing.ErrSpanContextCorrupted},
		{"wrong carrier", []opentracing.BuiltinFormat{opentracing.Binary}, opentracing.TextMapCarrier{}, opentracing.ErrInvalidCarrier},
		{"nil carrier", []opentracing.BuiltinFormat{opentracing.Binary}, nil, opentracing.ErrInvalidCarrier},

		// Typed nils: a nil pointer (or func) would panic in its own methods,
		// so it is an invalid carrier; a nil map reads as empty.
		{"nil *TextMapCarrier", text, (*opentracing.TextMapCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"nil *HTTPHeadersCarrier", text, (*opentracing.HTTPHeadersCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"nil pointer reader", text, (*ptrCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"nil func reader", text, readerFunc(nil), opentracing.ErrInvalidCarrier},
		{"nil map", text, opentracing.TextMapCarrier(nil), opentracing.ErrSpanContextNotFound},
		{"nil header map", text, opentracing.HTTPHeadersCarrier(nil), opentracing.ErrSpanContextNotFound},
		{"nil *bytes.Buffer", []opentracing.BuiltinFormat{opentracing.Binary}, (*bytes.Buffer)(nil), opentracing.ErrInvalidCarrier},
		{"nil *bytes.Reader", []opentracing.BuiltinFormat{opentracing.Binary}, (*bytes.Reader)(nil), opentracing.ErrInvalidCarrier},
		{"nil *strings.Reader", []opentracing.BuiltinFormat{opentracing.Binary}, (*strings.Reader)(nil), opentracing.ErrInvalidCarrier},
		{"nil pointer io.Reader", []opentracing.BuiltinFormat{opentracing.Binary}, (*ptrCarrier)(nil), opentracing.ErrInvalidCarrier},
		// A nil chan would block its own methods for ever.
		{"nil chan reader", text, chanReader(nil), opentracing.ErrInvalidCarrier},
		{"nil chan io.Reader", []opentracing.BuiltinFormat{opentracing.Binary}, chanReader(nil), opentracing.ErrInvalidCarrier},
	}
	tr := newTracer()
	for _, tt := range tests {
		for _, f := range tt.formats {
			t.Run(fmt.Sprintf("%v/%s", f, tt.name), func(t *testing.T) {
				sc, err := tr.Extract(f, tt.carrier)
				assert.ErrorIs(t, err, tt.want)
				assert.Nil(t, sc, "never a half-made context")
				if tt.name == "io error" || tt.name == "reader error" {
					assert.ErrorIs(t, err, errIO, "the carrier's error is wrapped")
				}
			})
		}
	}
}

func TestMockTracer_BinaryEveryTruncation(t *testing.T) {
	valid := binaryOf(t, mocktracer.MockSpanContext{TraceID: 300, SpanID: 1 << 40, Baggage: map[string]string{"ключ": "値", "b": ""}})
	tr := newTracer()
	for n := range len(valid) {
		sc, err := tr.Extract(opentracing.Binary, bytes.NewReader(valid[:n]))
		want := opentracing.ErrSpanContextCorrupted
		if n == 0 {
			want = opentracing.ErrSpanContextNotFound
		}
		require.ErrorIs(t, err, want, "prefix of %d bytes", n)
		require.Nil(t, sc)
	}
}

// TestMockTracer_BinaryExtractAllocsBoundedByInput feeds Extract a 4-byte
// input that declares a 1 MiB body: what Extract allocates must follow the
// bytes the reader delivers, not the length the input claims. TotalAlloc
// counts bytes (AllocsPerRun counts only allocations); 100 calls allocated
// about 100 MiB when the body was allocated up front.
func TestMockTracer_BinaryExtractAllocsBoundedByInput(t *testing.T) {
	header := []byte{1, 0x80, 0x80, 0x40} // version 1, length 1 MiB (the limit), no body
	tr := newTracer()
	extract := func() {
		sc, err := tr.Extract(opentracing.Binary, bytes.NewReader(header))
		if !errors.Is(err, opentracing.ErrSpanContextCorrupted) || sc != nil {
			t.Fatalf("Extract(%x) = %v, %v; want nil, ErrSpanContextCorrupted", header, sc, err)
		}
	}
	extract() // warm up
	const calls = 100
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range calls {
		extract()
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d Extract calls allocated %d bytes", calls, allocated)
	assert.Less(t, allocated, uint64(100<<10), "allocation must be bounded by the input, not by the declared length")
}

// TestMockTracer_BinaryLargeBodies round-trips bodies around and far
// above the size Extract first reads, and cuts each one short by a byte.
func TestMockTracer_BinaryLargeBodies(t *testing.T) {
	tr := newTracer()
	// A value of 234 bytes makes a body of exactly 256 bytes.
	for _, n := range []int{200, 233, 234, 235, 600, 100_000, 1<<20 - 40} {
		sc := mocktracer.MockSpanContext{TraceID: 1, SpanID: 2, Baggage: map[string]string{"k": strings.Repeat("v", n)}}
		b := binaryOf(t, sc)
		got, err := tr.Extract(opentracing.Binary, struct{ io.Reader }{bytes.NewReader(b)})
		require.NoError(t, err, "value of %d bytes", n)
		assert.Equal(t, sc, got)
		_, err = tr.Extract(opentracing.Binary, bytes.NewReader(b[:len(b)-1]))
		assert.ErrorIs(t, err, opentracing.ErrSpanContextCorrupted, "value of %d bytes, truncated", n)
	}
}

func TestMockTracer_BinaryConcatenated(t *testing.T) {
	tr := newTracer()
	var buf bytes.Buffer
	var want []opentracing.SpanContext
	for i := range 3 {
		sp := tr.StartSpan(fmt.Sprint("op", i)).SetBaggageItem("i", fmt.Sprint(i))
		want = append(want, sp.Context())
		require.NoError(t, tr.Inject(sp.Context(), opentracing.Binary, &buf))
	}
	// iotest-like reader without ReadByte, to exercise the slow path.
	r := struct{ io.Reader }{&buf}
	for _, w := range want {
		got, err := tr.Extract(opentracing.Binary, r)
		require.NoError(t, err)
		assert.Equal(t, w, got)
	}
	_, err := tr.Extract(opentracing.Binary, r)
	assert.ErrorIs(t, err, opentracing.ErrSpanContextNotFound, "exactly one context per Extract")
}

// failingWriter fails every Write.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestMockTracer_InjectErrors(t *testing.T) {
	errIO := errors.New("pipe closed")
	sc := mocktracer.MockSpanContext{TraceID: 1, SpanID: 1}
	var nilPtr *mocktracer.MockSpanContext
	tests := []struct {
		name    string
		sc      opentracing.SpanContext
		format  any
		carrier any
		want    error
	}{
		{"foreign context", foreignContext{}, opentracing.TextMap, opentracing.TextMapCarrier{}, opentracing.ErrInvalidSpanContext},
		{"nil context", nil, opentracing.TextMap, opentracing.TextMapCarrier{}, opentracing.ErrInvalidSpanContext},
		{"nil pointer context", nilPtr, opentracing.TextMap, opentracing.TextMapCarrier{}, opentracing.ErrInvalidSpanContext},
		{"unknown format", sc, "zipkin", opentracing.TextMapCarrier{}, opentracing.ErrUnsupportedFormat},
		{"nil format", sc, nil, opentracing.TextMapCarrier{}, opentracing.ErrUnsupportedFormat},
		{"non-comparable format", sc, []byte("x"), opentracing.TextMapCarrier{}, opentracing.ErrUnsupportedFormat},
		{"unknown builtin value", sc, opentracing.BuiltinFormat(99), opentracing.TextMapCarrier{}, opentracing.ErrUnsupportedFormat},
		{"text map wrong carrier", sc, opentracing.TextMap, &bytes.Buffer{}, opentracing.ErrInvalidCarrier},
		{"text map nil map", sc, opentracing.TextMap, opentracing.TextMapCarrier(nil), opentracing.ErrInvalidCarrier},
		{"http nil header", sc, opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(nil), opentracing.ErrInvalidCarrier},
		{"http nil carrier", sc, opentracing.HTTPHeaders, nil, opentracing.ErrInvalidCarrier},
		{"binary wrong carrier", sc, opentracing.Binary, opentracing.TextMapCarrier{}, opentracing.ErrInvalidCarrier},
		{"binary nil carrier", sc, opentracing.Binary, nil, opentracing.ErrInvalidCarrier},
		{"binary write error", sc, opentracing.Binary, failingWriter{errIO}, errIO},

		// Typed nils, which would panic in their own methods.
		{"text map nil *TextMapCarrier", sc, opentracing.TextMap, (*opentracing.TextMapCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"text map nil *HTTPHeadersCarrier", sc, opentracing.TextMap, (*opentracing.HTTPHeadersCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"text map nil pointer writer", sc, opentracing.TextMap, (*ptrCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"text map nil map writer", sc, opentracing.TextMap, mapWriter(nil), opentracing.ErrInvalidCarrier},
		{"text map nil http.Header", sc, opentracing.TextMap, http.Header(nil), opentracing.ErrInvalidCarrier},
		{"http nil http.Header", sc, opentracing.HTTPHeaders, http.Header(nil), opentracing.ErrInvalidCarrier},
		{"http nil *HTTPHeadersCarrier", sc, opentracing.HTTPHeaders, (*opentracing.HTTPHeadersCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"http nil pointer writer", sc, opentracing.HTTPHeaders, (*ptrCarrier)(nil), opentracing.ErrInvalidCarrier},
		{"binary nil *bytes.Buffer", sc, opentracing.Binary, (*bytes.Buffer)(nil), opentracing.ErrInvalidCarrier},
		{"binary nil pointer writer", sc, opentracing.Binary, (*ptrCarrier)(nil), opentracing.ErrInvalidCarrier},
		// A pointer to a nil map: Set through it assigns to the nil map.
		{"text map pointer to nil TextMapCarrier", sc, opentracing.TextMap, new(opentracing.TextMapCarrier), opentracing.ErrInvalidCarrier},
		{"http pointer to nil http.Header", sc, opentracing.HTTPHeaders, new(http.Header), opentracing.ErrInvalidCarrier},
	}
	tr := newTracer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tr.Inject(tt.sc, tt.format, tt.carrier), tt.want)
		})
	}
	t.Run("extract unknown format", func(t *testing.T) {
		for _, f := range []any{"zipkin", nil, []byte("x"), opentracing.BuiltinFormat(0)} {
			sc, err := tr.Extract(f, opentracing.TextMapCarrier{})
			assert.ErrorIs(t, err, opentracing.ErrUnsupportedFormat)
			assert.Nil(t, sc)
		}
	})
	t.Run("binary baggage too large", func(t *testing.T) {
		big := mocktracer.MockSpanContext{TraceID: 1, SpanID: 1, Baggage: map[string]string{"k": strings.Repeat("x", 1<<20)}}
		var buf bytes.Buffer
		assert.Error(t, tr.Inject(big, opentracing.Binary, &buf))
		assert.Zero(t, buf.Len(), "nothing is written on error")
	})
}

// upperPropagator is a custom format: the context as "trace:span".
type upperPropagator struct{}

type upperFormat struct{}

func (upperPropagator) Inject(sc mocktracer.MockSpanContext, carrier any) error {
	p, ok := carrier.(*string)
	if !ok {
		return opentracing.ErrInvalidCarrier
	}
	*p = fmt.Sprintf("%d:%d", sc.TraceID, sc.SpanID)
	return nil
}

func (upperPropagator) Extract(carrier any) (mocktracer.MockSpanContext, error) {
	p, ok := carrier.(*string)
	if !ok {
		return mocktracer.MockSpanContext{}, opentracing.ErrInvalidCarrier
	}
	var sc mocktracer.MockSpanContext
	if _, err := fmt.Sscanf(*p, "%d:%d", &sc.TraceID, &sc.SpanID); err != nil {
		return mocktracer.MockSpanContext{}, fmt.Errorf("%w: %w", opentracing.ErrSpanContextCorrupted, err)
	}
	return sc, nil
}

func TestMockTracer_RegisterPropagator(t *testing.T) {
	tr := newTracer()
	sc := mocktracer.MockSpanContext{TraceID: 4, SpanID: 5}
	var s string
	require.ErrorIs(t, tr.Inject(sc, upperFormat{}, &s), opentracing.ErrUnsupportedFormat)

	tr.RegisterPropagator(upperFormat{}, upperPropagator{})
	require.NoError(t, tr.Inject(sc, upperFormat{}, &s))
	assert.Equal(t, "4:5", s)
	got, err := tr.Extract(upperFormat{}, &s)
	require.NoError(t, err)
	assert.Equal(t, sc, got)
	bad := "nope"
	got, err = tr.Extract(upperFormat{}, &bad)
	assert.ErrorIs(t, err, opentracing.ErrSpanContextCorrupted)
	assert.Nil(t, got)

	// A built-in format can be replaced, per tracer.
	tr.RegisterPropagator(opentracing.TextMap, upperPropagator{})
	require.NoError(t, tr.Inject(sc, opentracing.TextMap, &s))
	assert.ErrorIs(t, newTracer().Inject(sc, opentracing.TextMap, &s), opentracing.ErrInvalidCarrier)

	assert.Panics(t, func() { tr.RegisterPropagator([]int{1}, upperPropagator{}) })
	assert.Panics(t, func() { tr.RegisterPropagator(nil, upperPropagator{}) })
	assert.Panics(t, func() { tr.RegisterPropagator("x", nil) })
}

func TestMockTracer_RegisterPropagatorConcurrent(t *testing.T) {
	tr := newTracer()
	sc := mocktracer.MockSpanContext{TraceID: 4, SpanID: 5}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				tr.RegisterPropagator(fmt.Sprint(i, j), upperPropagator{})
				c := opentracing.TextMapCarrier{}
				if err := tr.Inject(sc, opentracing.TextMap, c); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
