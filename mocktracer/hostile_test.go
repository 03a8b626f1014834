package mocktracer_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// The carriers of this file are hostile: megabytes of data, lengths that
// lie, and methods that panic, break the io.Reader contract or never end.
// Extract must answer each with a sentinel error, quickly, quoting little
// and allocating in proportion to what it read.

// maxErrLen bounds the length of any Extract error message.
const maxErrLen = 512

// pairs is a TextMapReader that yields its pairs in order, repeats
// included.
type pairs [][2]string

func (p pairs) ForeachKey(handler func(k, v string) error) error {
	for _, kv := range p {
		if err := handler(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// panicker is a TextMapReader and an io.Reader that panic with v.
type panicker struct{ v any }

func (p panicker) ForeachKey(func(k, v string) error) error { panic(p.v) }
func (p panicker) Read([]byte) (int, error)                 { panic(p.v) }

// panicAfter is a TextMapReader that yields valid ids, then panics.
type panicAfter struct{ v any }

func (p panicAfter) ForeachKey(handler func(k, v string) error) error {
	_ = handler("mockpfx-ids-traceid", "1")
	_ = handler("mockpfx-ids-spanid", "2")
	panic(p.v)
}

// countReader is an io.Reader whose Read returns n and err whatever the
// buffer.
type countReader struct {
	n   int
	err error
}

func (r countReader) Read([]byte) (int, error) { return r.n, r.err }

// prefixThen is an io.Reader that delivers prefix, then behaves as then.
type prefixThen struct {
	prefix []byte
	then   io.Reader
}

func (r *prefixThen) Read(p []byte) (int, error) {
	if len(r.prefix) > 0 {
		n := copy(p, r.prefix)
		r.prefix = r.prefix[n:]
		return n, nil
	}
	return r.then.Read(p)
}

// panickyByteReader is an io.ByteReader whose ReadByte panics.
type panickyByteReader struct{ io.Reader }

func (panickyByteReader) ReadByte() (byte, error) { panic("ReadByte") }

// endless is a TextMapReader that yields unrelated entries for ever, until
// the handler returns an error.
type endless struct{}

func (endless) ForeachKey(handler func(k, v string) error) error {
	for {
		if err := handler("unrelated", "x"); err != nil {
			return err
		}
	}
}

var errCarrier = errors.New("carrier's own error")

func TestMockTracer_ExtractHostileCarriers(t *testing.T) {
	valid := binaryOf(t, mocktracer.MockSpanContext{TraceID: 1, SpanID: 2, Sampled: true})
	text := []opentracing.BuiltinFormat{opentracing.TextMap, opentracing.HTTPHeaders}
	bin := []opentracing.BuiltinFormat{opentracing.Binary}
	tests := []struct {
		name    string
		formats []opentracing.BuiltinFormat
		carrier func() any // a fresh carrier: readers are consumed
		want    error
		wrapped error // also in the chain, if not nil
	}{
		{"ForeachKey panics", text, func() any { return panicker{"boom"} }, opentracing.ErrInvalidCarrier, nil},
		{"ForeachKey panics with nil", text, func() any { return panicker{nil} }, opentracing.ErrInvalidCarrier, nil},
		{"ForeachKey panics with an error", text, func() any { return panicker{errCarrier} }, opentracing.ErrInvalidCarrier, errCarrier},
		{"ForeachKey panics after valid ids", text, func() any { return panicAfter{"late"} }, opentracing.ErrInvalidCarrier, nil},
		{"ForeachKey never ends", text, func() any { return endless{} }, opentracing.ErrSpanContextCorrupted, nil},
		{"wrapper around a nil *TextMapCarrier", text, func() any {
			return struct{ opentracing.TextMapReader }{(*opentracing.TextMapCarrier)(nil)}
		}, opentracing.ErrInvalidCarrier, nil},
		{"wrapper around a nil TextMapReader", text, func() any {
			return struct{ opentracing.TextMapReader }{}
		}, opentracing.ErrInvalidCarrier, nil},
		{"wrapper around a nil *ptrCarrier", text, func() any { return struct{ *ptrCarrier }{} }, opentracing.ErrInvalidCarrier, nil},

		{"Read panics", bin, func() any { return panicker{"boom"} }, opentracing.ErrInvalidCarrier, nil},
		{"Read panics with nil", bin, func() any { return panicker{nil} }, opentracing.ErrInvalidCarrier, nil},
		{"Read panics mid-body", bin, func() any { return &prefixThen{valid[:5], panicker{"mid"}} }, opentracing.ErrInvalidCarrier, nil},
		{"ReadByte panics", bin, func() any { return panickyByteReader{bytes.NewReader(valid)} }, opentracing.ErrInvalidCarrier, nil},
		{"Read returns a negative count", bin, func() any { return countReader{n: -1} }, opentracing.ErrInvalidCarrier, nil},
		{"Read returns a negative count mid-body", bin, func() any { return &prefixThen{valid[:5], countReader{n: -7}} }, opentracing.ErrInvalidCarrier, nil},
		{"Read returns more than asked", bin, func() any { return countReader{n: 1 << 20} }, opentracing.ErrInvalidCarrier, nil},
		{"Read returns (0, nil) for ever", bin, func() any { return countReader{} }, opentracing.ErrInvalidCarrier, io.ErrNoProgress},
		{"Read returns (0, nil) for ever mid-body", bin, func() any { return &prefixThen{valid[:5], countReader{}} }, opentracing.ErrInvalidCarrier, io.ErrNoProgress},
		{"Read fails mid-body", bin, func() any { return &prefixThen{valid[:5], countReader{err: errCarrier}} }, opentracing.ErrSpanContextCorrupted, errCarrier},
		{"wrapper around a nil *bytes.Reader", bin, func() any { return struct{ io.Reader }{(*bytes.Reader)(nil)} }, opentracing.ErrInvalidCarrier, nil},
		{"wrapper around a nil io.Reader", bin, func() any { return struct{ io.Reader }{} }, opentracing.ErrInvalidCarrier, nil},
		{"wrapper around a nil *bytes.Buffer", bin, func() any { return struct{ *bytes.Buffer }{} }, opentracing.ErrInvalidCarrier, nil},
	}
	tr := newTracer()
	for _, tt := range tests {
		for _, f := range tt.formats {
			t.Run(fmt.Sprintf("%v/%s", f, tt.name), func(t *testing.T) {
				var sc opentracing.SpanContext
				var err error
				require.NotPanics(t, func() { sc, err = tr.Extract(f, tt.carrier()) })
				assert.Nil(t, sc)
				require.ErrorIs(t, err, tt.want)
				other := opentracing.ErrInvalidCarrier
				if tt.want == other {
					other = opentracing.ErrSpanContextCorrupted
				}
				assert.NotErrorIs(t, err, other, "one verdict per error")
				if tt.wrapped != nil {
					assert.ErrorIs(t, err, tt.wrapped)
				}
				assert.LessOrEqual(t, len(err.Error()), maxErrLen, "error: %.200s", err)
			})
		}
	}
}

// TestMockTracer_ExtractErrorsQuoteABoundedPrefix puts 10 MB of data where
// each Extract error would quote it: the message must stay short.
func TestMockTracer_ExtractErrorsQuoteABoundedPrefix(t *testing.T) {
	huge := strings.Repeat("x", 10<<20)
	ids := pairs{{"mockpfx-ids-traceid", "1"}, {"mockpfx-ids-spanid", "2"}}
	with := func(kv ...[2]string) pairs { return append(append(pairs{}, ids...), kv...) }
	text := []opentracing.BuiltinFormat{opentracing.TextMap, opentracing.HTTPHeaders}
	tests := []struct {
		name    string
		formats []opentracing.BuiltinFormat
		carrier func() any
		want    error
	}{
		{"trace id", text, func() any { return pairs{{"mockpfx-ids-traceid", huge}} }, opentracing.ErrSpanContextCorrupted},
		{"span id", text, func() any { return pairs{{"mockpfx-ids-spanid", "1" + huge}} }, opentracing.ErrSpanContextCorrupted},
		{"sampled", text, func() any { return with([2]string{"mockpfx-ids-sampled", huge}) }, opentracing.ErrSpanContextCorrupted},
		{"unknown id field", text, func() any { return with([2]string{"mockpfx-ids-" + huge, "v"}) }, opentracing.ErrSpanContextCorrupted},
		{"baggage given twice", text, func() any {
			return with([2]string{"mockpfx-baggage-" + huge, "1"}, [2]string{"mockpfx-baggage-" + huge, "2"})
		}, opentracing.ErrSpanContextCorrupted},
		{"bad escape", []opentracing.BuiltinFormat{opentracing.HTTPHeaders}, func() any {
			return with([2]string{"mockpfx-baggage-" + huge + "%zz", "v"})
		}, opentracing.ErrSpanContextCorrupted},
		{"carrier error", text, func() any { return errReader{errors.New(huge)} }, opentracing.ErrSpanContextCorrupted},
		{"carrier panic", text, func() any { return panicker{huge} }, opentracing.ErrInvalidCarrier},
		{"reader error", []opentracing.BuiltinFormat{opentracing.Binary}, func() any { return errReader{errors.New(huge)} }, opentracing.ErrSpanContextCorrupted},
		{"reader panic", []opentracing.BuiltinFormat{opentracing.Binary}, func() any { return panicker{errors.New(huge)} }, opentracing.ErrInvalidCarrier},
		{"binary baggage given twice", []opentracing.BuiltinFormat{opentracing.Binary}, func() any {
			k := huge[:400<<10]
			return bytes.NewReader(binaryBody(2, binaryItem(k, ""), binaryItem(k, "")))
		}, opentracing.ErrSpanContextCorrupted},
	}
	tr := newTracer()
	for _, tt := range tests {
		for _, f := range tt.formats {
			t.Run(fmt.Sprintf("%v/%s", f, tt.name), func(t *testing.T) {
				sc, err := tr.Extract(f, tt.carrier())
				assert.Nil(t, sc)
				// Not require.ErrorIs: its message would repeat the 10 MB.
				if !errors.Is(err, tt.want) {
					t.Fatalf("Extract error %.300v, want %v", err, tt.want)
				}
				if n := len(err.Error()); n > maxErrLen {
					t.Errorf("Extract error of %d bytes, want at most %d: %.300s", n, maxErrLen, err)
				}
			})
		}
	}
}

// binaryItem encodes one baggage item of the Binary format.
func binaryItem(k, v string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(k)))
	b = append(b, k...)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// binaryBody encodes a Binary context with trace id 1, span id 2, sampled,
// that declares count baggage items and holds the given bytes after the
// count, whatever they are.
func binaryBody(count uint64, items ...[]byte) []byte {
	body := binary.BigEndian.AppendUint64(nil, 1)
	body = binary.BigEndian.AppendUint64(body, 2)
	body = append(body, 1)
	body = binary.AppendUvarint(body, count)
	for _, it := range items {
		body = append(body, it...)
	}
	b := []byte{1}
	b = binary.AppendUvarint(b, uint64(len(body)))
	return append(b, body...)
}

// allocated returns the bytes f allocated (TotalAlloc counts bytes, where
// testing.AllocsPerRun counts allocations).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestMockTracer_BinaryExtractAllocsFollowTheItemsRead gives Extract 1 MiB
// that declares 524,278 baggage items, the most the body could hold, of
// which the second repeats the first: the map must grow with the items
// decoded, not be sized by the count (45 MB when it was). A valid 1 MiB
// of 145,000 distinct items shows what the bytes really cost.
func TestMockTracer_BinaryExtractAllocsFollowTheItemsRead(t *testing.T) {
	const bodySize = 1 << 20
	count := uint64(bodySize-17-3) / 2
	lying := binaryBody(count, make([]byte, bodySize-17-3))
	require.Equal(t, uint64(524_278), count)

	var items [][]byte
	var n, size int
	for size < bodySize-100 {
		it := binaryItem(strconv.Itoa(n), "")
		items, n, size = append(items, it), n+1, size+len(it)
	}
	distinct := binaryBody(uint64(n), items...)

	tr := newTracer()
	tests := []struct {
		name     string
		input    []byte
		want     error
		perInput uint64 // bytes allocated per input byte, at most
	}{
		// The body itself is read in doubling chunks: about 2 bytes per byte.
		{"count that lies", lying, opentracing.ErrSpanContextCorrupted, 4},
		// Each 3–8 byte item costs a map entry and a string.
		{"distinct items", distinct, nil, 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			got := allocated(func() { _, err = tr.Extract(opentracing.Binary, bytes.NewReader(tt.input)) })
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
			t.Logf("%d bytes in, %d bytes allocated", len(tt.input), got)
			assert.LessOrEqual(t, got, tt.perInput*uint64(len(tt.input)))
		})
	}
}

// TestMockTracer_HTTPHeaderNamesFoldASCIIOnly: header names compare
// without case in ASCII only, as net/http compares them. strings.EqualFold
// also folds "ſ" (U+017F) to "s", which made "Mockpfx-Ids-ſampled" set the
// sampled flag and "Mockpfx-Ids-ſpanid" the span id.
func TestMockTracer_HTTPHeaderNamesFoldASCIIOnly(t *testing.T) {
	tests := []struct {
		name    string
		carrier pairs
		want    error
	}{
		{"ſampled", pairs{{"Mockpfx-Ids-Traceid", "1"}, {"Mockpfx-Ids-Spanid", "2"}, {"Mockpfx-Ids-ſampled", "false"}}, opentracing.ErrSpanContextCorrupted},
		{"ſpanid", pairs{{"Mockpfx-Ids-Traceid", "1"}, {"Mockpfx-Ids-ſpanid", "2"}}, opentracing.ErrSpanContextCorrupted},
		{"Kelvin sign in the prefix", pairs{{"Moc\u212Apfx-Ids-Traceid", "1"}, {"Moc\u212Apfx-Ids-Spanid", "2"}}, opentracing.ErrSpanContextNotFound},
	}
	tr := newTracer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := tr.Extract(opentracing.HTTPHeaders, tt.carrier)
			assert.ErrorIs(t, err, tt.want, "got %v", sc)
			assert.Nil(t, sc)
		})
	}
	sc, err := tr.Extract(opentracing.HTTPHeaders, pairs{{"MOCKPFX-IDS-TRACEID", "1"}, {"mockpfx-ids-SpanID", "2"}, {"Mockpfx-Ids-SAMPLED", "false"}})
	require.NoError(t, err, "ASCII case still folds")
	assert.Equal(t, mocktracer.MockSpanContext{TraceID: 1, SpanID: 2}, sc)
}
