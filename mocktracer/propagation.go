package mocktracer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/tracebed/tracebed/opentracing"
)

// Propagator moves a MockSpanContext in and out of a carrier for one
// format. Register one with MockTracer.RegisterPropagator.
//
// Inject returns opentracing.ErrInvalidCarrier for a carrier of the wrong
// type. Extract returns opentracing.ErrSpanContextNotFound when the
// carrier holds no context, opentracing.ErrSpanContextCorrupted when it
// holds a damaged one and opentracing.ErrInvalidCarrier for a carrier of
// the wrong type (errors may wrap these; the tracer passes them on).
//
// The built-in TextMap and HTTPHeaders propagators take any
// opentracing.TextMapWriter for Inject and any opentracing.TextMapReader
// for Extract, and a plain http.Header for both, as
// opentracing.HTTPHeadersCarrier(h). TextMap compares keys exactly, while
// a header carrier canonicalises them on Set: use HTTPHeaders with
// headers, or a TextMap Extract will not find what a TextMap Inject wrote
// there.
//
// The built-in propagators never panic on a typed nil: a nil pointer or
// func carrier (a nil *bytes.Buffer, a nil *TextMapCarrier, a nil pointer
// to the caller's own reader type) gives opentracing.ErrInvalidCarrier,
// as does a nil map given to Inject; a nil map given to Extract reads as
// empty (opentracing.ErrSpanContextNotFound).
//
// Their Extract treats the carrier as untrusted. An error quotes at most
// a short prefix of the carrier's data (and of the carrier's own error);
// Binary allocates in proportion to the bytes it reads, whatever lengths
// and counts the input declares; HTTPHeaders compares names without case
// in ASCII only, as net/http does. A carrier that breaks its contract
// gives opentracing.ErrInvalidCarrier: an io.Reader that returns a count
// outside [0, len(p)] or (0, nil) 100 times in a row, and (through
// MockTracer.Extract, for every propagator) a carrier whose methods panic,
// even with nil, as a wrapper struct around a nil pointer does. A TextMap
// or HTTPHeaders carrier that yields more than 1<<20 entries is corrupted.
type Propagator interface {
	// Inject writes sc into carrier.
	Inject(sc MockSpanContext, carrier any) error
	// Extract reads a context back from carrier.
	Extract(carrier any) (MockSpanContext, error)
}

// The keys of the TextMap and HTTPHeaders formats. Entries without the
// "mockpfx-" prefixes are ignored, so a carrier may hold unrelated
// entries.
const (
	keyPrefix     = "mockpfx-"
	idsPrefix     = "mockpfx-ids-"
	keyTraceID    = "mockpfx-ids-traceid"
	keySpanID     = "mockpfx-ids-spanid"
	keySampled    = "mockpfx-ids-sampled"
	baggagePrefix = "mockpfx-baggage-"
)

// errStop ends a ForeachKey early once the carrier is known to be
// corrupted.
var errStop = errors.New("mocktracer: stop")

func corrupted(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{opentracing.ErrSpanContextCorrupted}, args...)...)
}

// unusable reports whether carrier is nil or a typed nil that its own
// methods could not use without a panic or a hang: a nil pointer, func or
// chan, and, for writing, a nil map or a pointer to one. A nil map is fine
// to read (it reads as empty). reflect.ValueOf of a value already in an
// interface does not allocate.
func unusable(carrier any, write bool) bool {
	if carrier == nil {
		return true
	}
	switch v := reflect.ValueOf(carrier); v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return true
		}
		e := v.Elem()
		return write && e.Kind() == reflect.Map && e.IsNil()
	case reflect.Func, reflect.Chan:
		return v.IsNil()
	case reflect.Map:
		return write && v.IsNil()
	}
	return false
}

// textMapWriter returns carrier as a usable TextMapWriter; a plain
// http.Header is taken as HTTPHeadersCarrier.
func textMapWriter(carrier any) (opentracing.TextMapWriter, bool) {
	if unusable(carrier, true) {
		return nil, false
	}
	if h, ok := carrier.(http.Header); ok {
		return opentracing.HTTPHeadersCarrier(h), true
	}
	c, ok := carrier.(opentracing.TextMapWriter)
	return c, ok
}

// textMapReader returns carrier as a usable TextMapReader; a plain
// http.Header or *http.Header (which have no ForeachKey) is taken as
// HTTPHeadersCarrier, so that Extract takes what Inject takes.
func textMapReader(carrier any) (opentracing.TextMapReader, bool) {
	if unusable(carrier, false) {
		return nil, false
	}
	switch h := carrier.(type) {
	case http.Header:
		return opentracing.HTTPHeadersCarrier(h), true
	case *http.Header: // Inject takes it (Set is in its method set)
		return opentracing.HTTPHeadersCarrier(*h), true
	}
	c, ok := carrier.(opentracing.TextMapReader)
	return c, ok
}

// textMapPropagator is the TextMap format: keys and values unrestricted,
// keys compared exactly, baggage keys and values stored as they are.
type textMapPropagator struct{}

func (textMapPropagator) Inject(sc MockSpanContext, carrier any) error {
	w, ok := textMapWriter(carrier)
	if !ok {
		return opentracing.ErrInvalidCarrier
	}
	w.Set(keyTraceID, strconv.FormatUint(sc.TraceID, 10))
	w.Set(keySpanID, strconv.FormatUint(sc.SpanID, 10))
	w.Set(keySampled, strconv.FormatBool(sc.Sampled))
	for k, v := range sc.Baggage {
		w.Set(baggagePrefix+k, v)
	}
	return nil
}

func (textMapPropagator) Extract(carrier any) (MockSpanContext, error) {
	r, ok := textMapReader(carrier)
	if !ok {
		return MockSpanContext{}, opentracing.ErrInvalidCarrier
	}
	var x textExtraction
	return x.run(r, false)
}

// httpHeadersPropagator is the HTTPHeaders format: keys compared without
// case, baggage keys percent-escaped to [a-z0-9-] (so that header
// canonicalisation cannot change them) and baggage values percent-escaped
// to URL-unreserved characters (so that they survive as header values).
type httpHeadersPropagator struct{}

func (httpHeadersPropagator) Inject(sc MockSpanContext, carrier any) error {
	w, ok := textMapWriter(carrier)
	if !ok {
		return opentracing.ErrInvalidCarrier
	}
	w.Set(keyTraceID, strconv.FormatUint(sc.TraceID, 10))
	w.Set(keySpanID, strconv.FormatUint(sc.SpanID, 10))
	w.Set(keySampled, strconv.FormatBool(sc.Sampled))
	for k, v := range sc.Baggage {
		w.Set(baggagePrefix+escape(k, keySafe), escape(v, valueSafe))
	}
	return nil
}

func (httpHeadersPropagator) Extract(carrier any) (MockSpanContext, error) {
	r, ok := textMapReader(carrier)
	if !ok {
		return MockSpanContext{}, opentracing.ErrInvalidCarrier
	}
	var x textExtraction
	return x.run(r, true)
}

// textExtraction is the state of one TextMap or HTTPHeaders Extract.
type textExtraction struct {
	http                       bool
	sc                         MockSpanContext
	hasTrace, hasSpan, hasSamp bool
	found                      bool
	entries                    int
	err                        error
}

// maxCarrierEntries bounds the entries one TextMap or HTTPHeaders Extract
// visits, so that a carrier whose ForeachKey never ends stops when the
// handler says so. net/http reads at most 1 MB of headers by default, far
// fewer entries than this.
const maxCarrierEntries = 1 << 20

func (x *textExtraction) run(r opentracing.TextMapReader, http bool) (MockSpanContext, error) {
	x.http = http
	x.sc.Sampled = true // an absent sampled flag means sampled
	if err := r.ForeachKey(x.visit); err != nil && !errors.Is(err, errStop) {
		return MockSpanContext{}, carrierFailed("reading the carrier", err)
	}
	if x.err != nil {
		return MockSpanContext{}, x.err
	}
	if !x.found {
		return MockSpanContext{}, opentracing.ErrSpanContextNotFound
	}
	if !x.hasTrace || !x.hasSpan {
		return MockSpanContext{}, corrupted("trace id or span id missing")
	}
	return x.sc, nil
}

// hasPrefix is strings.HasPrefix, without case for HTTP.
func (x *textExtraction) hasPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	if x.http {
		return equalFoldASCII(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}

// equalFoldASCII reports whether a and b are equal with ASCII letters
// compared without case, as net/http compares header names. Unlike
// strings.EqualFold it does not fold other letters: "ſ" (U+017F) is not
// "s", nor "K" (U+212A, Kelvin) "k".
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerByte(a[i]) != lowerByte(b[i]) {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// idField returns the id field name f in lower case ("traceid", "spanid"
// or "sampled") when it is one of them, without allocating.
func (x *textExtraction) idField(f string) string {
	if !x.http {
		return f
	}
	for _, name := range [...]string{"traceid", "spanid", "sampled"} {
		if equalFoldASCII(f, name) {
			return name
		}
	}
	return f
}

func (x *textExtraction) fail(err error) error {
	x.err = err
	return errStop
}

func (x *textExtraction) visit(key, val string) error {
	if x.entries++; x.entries > maxCarrierEntries {
		return x.fail(corrupted("more than %d entries", maxCarrierEntries))
	}
	if !x.hasPrefix(key, keyPrefix) {
		return nil
	}
	switch {
	case x.hasPrefix(key, idsPrefix):
		x.found = true
		field := x.idField(key[len(idsPrefix):])
		var seen *bool
		switch field {
		case "traceid", "spanid":
			id, err := strconv.ParseUint(val, 10, 64)
			if err != nil || id == 0 {
				return x.fail(corrupted("%s %s is not a non-zero decimal uint64", field, quote(val)))
			}
			if field == "traceid" {
				seen, x.sc.TraceID = &x.hasTrace, id
			} else {
				seen, x.sc.SpanID = &x.hasSpan, id
			}
		case "sampled":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return x.fail(corrupted("sampled %s is not a bool", quote(val)))
			}
			seen, x.sc.Sampled = &x.hasSamp, b
		default:
			return x.fail(corrupted("unknown id field %s", quote(key)))
		}
		if *seen {
			return x.fail(corrupted("%s given twice", field))
		}
		*seen = true
	case x.hasPrefix(key, baggagePrefix):
		x.found = true
		k, v := key[len(baggagePrefix):], val
		if x.http {
			var ok1, ok2 bool
			k, ok1 = unescape(lowerASCII(k))
			v, ok2 = unescape(v)
			if !ok1 || !ok2 {
				return x.fail(corrupted("baggage %s: bad percent-escape", quote(key)))
			}
		}
		if _, dup := x.sc.Baggage[k]; dup {
			return x.fail(corrupted("baggage %s given twice", quote(k)))
		}
		if x.sc.Baggage == nil {
			x.sc.Baggage = make(map[string]string, 2)
		}
		x.sc.Baggage[k] = v
	}
	return nil
}

// keySafe reports the bytes a baggage key keeps in HTTP headers: those
// that header canonicalisation and lower-casing leave alone.
func keySafe(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}

// valueSafe reports the bytes a baggage value keeps in HTTP headers: the
// URL-unreserved ones.
func valueSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

const upperHex = "0123456789ABCDEF"

// lowerASCII lower-cases the ASCII letters of s (an escaped key is
// ASCII), returning s itself when it has none.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// escape percent-escapes every byte of s that safe rejects; it returns s
// itself when nothing needs escaping.
func escape(s string, safe func(byte) bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !safe(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; safe(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return string(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescape undoes escape; it reports false for a malformed escape.
func unescape(s string) (string, bool) {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b = append(b, hi<<4|lo)
		i += 2
	}
	return string(b), true
}

// The Binary format, version 1: one context is
//
//	version   1 byte, binaryVersion
//	length    uvarint, the number of bytes that follow (at most maxBinaryBody)
//	trace id  8 bytes, big endian, non-zero
//	span id   8 bytes, big endian, non-zero
//	flags     1 byte: bit 0 = sampled, other bits 0
//	count     uvarint, the number of baggage items
//	items     count × (uvarint key length, key, uvarint value length, value)
//
// Inject appends it to an io.Writer with one Write; Extract reads exactly
// one context from an io.Reader (so several can be concatenated) and
// checks that the length covers the fields exactly.
const (
	binaryVersion = 1
	maxBinaryBody = 1 << 20
	binaryFixed   = 8 + 8 + 1
)

type binaryPropagator struct{}

func (binaryPropagator) Inject(sc MockSpanContext, carrier any) error {
	w, ok := carrier.(io.Writer)
	if !ok || unusable(carrier, true) {
		return opentracing.ErrInvalidCarrier
	}
	size := binaryFixed + uvarintLen(uint64(len(sc.Baggage)))
	for k, v := range sc.Baggage {
		size += uvarintLen(uint64(len(k))) + len(k) + uvarintLen(uint64(len(v))) + len(v)
	}
	if size > maxBinaryBody {
		return fmt.Errorf("mocktracer: binary inject: baggage too large (%d bytes, limit %d)", size, maxBinaryBody)
	}
	buf := make([]byte, 0, 1+binary.MaxVarintLen64+size)
	buf = append(buf, binaryVersion)
	buf = binary.AppendUvarint(buf, uint64(size))
	buf = binary.BigEndian.AppendUint64(buf, sc.TraceID)
	buf = binary.BigEndian.AppendUint64(buf, sc.SpanID)
	var flags byte
	if sc.Sampled {
		flags = 1
	}
	buf = append(buf, flags)
	buf = binary.AppendUvarint(buf, uint64(len(sc.Baggage)))
	for k, v := range sc.Baggage {
		buf = binary.AppendUvarint(buf, uint64(len(k)))
		buf = append(buf, k...)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("mocktracer: binary inject: %w", err)
	}
	return nil
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// byteReader reads one byte at a time without reading ahead, for readers
// that are not io.ByteReaders.
type byteReader struct {
	r   io.Reader
	buf [1]byte
}

func (b *byteReader) ReadByte() (byte, error) {
	if err := readFull(b.r, b.buf[:]); err != nil {
		return 0, err
	}
	return b.buf[0], nil
}

func (binaryPropagator) Extract(carrier any) (MockSpanContext, error) {
	r, ok := carrier.(io.Reader)
	if !ok || unusable(carrier, false) {
		return MockSpanContext{}, opentracing.ErrInvalidCarrier
	}
	br, ok := r.(io.ByteReader)
	if !ok {
		br = &byteReader{r: r}
	}
	version, err := br.ReadByte()
	if err == io.EOF {
		return MockSpanContext{}, opentracing.ErrSpanContextNotFound
	}
	if err != nil {
		return MockSpanContext{}, carrierFailed("reading the version", err)
	}
	if version != binaryVersion {
		return MockSpanContext{}, corrupted("unknown binary version %d", version)
	}
	size, err := binary.ReadUvarint(br)
	if err != nil {
		return MockSpanContext{}, carrierFailed("reading the length", err)
	}
	if size < binaryFixed+1 || size > maxBinaryBody {
		return MockSpanContext{}, corrupted("length %d out of range", size)
	}
	body, err := readBody(r, int(size))
	if err != nil {
		return MockSpanContext{}, carrierFailed("reading "+strconv.FormatUint(size, 10)+" bytes", err)
	}
	return decodeBinaryBody(body)
}

// firstChunk is how much of a Binary body readBody reads at first: enough
// for a context with a little baggage in one allocation.
const firstChunk = 256

// readBody reads exactly size bytes from r. size comes from the input, so
// the buffer grows with what r delivers (doubling, never past size) rather
// than being allocated up front: a short input that declares a 1 MiB body
// costs a few hundred bytes, not 1 MiB.
func readBody(r io.Reader, size int) ([]byte, error) {
	body := make([]byte, min(size, firstChunk))
	if err := readFull(r, body); err != nil {
		return nil, err
	}
	for len(body) < size {
		n := min(len(body), size-len(body))
		body = slices.Grow(body, n)
		if err := readFull(r, body[len(body):len(body)+n]); err != nil {
			return nil, err
		}
		body = body[:len(body)+n]
	}
	return body, nil
}

// maxPresized bounds the baggage map decodeBinaryBody makes up front.
const maxPresized = 8

func decodeBinaryBody(body []byte) (MockSpanContext, error) {
	var sc MockSpanContext
	sc.TraceID = binary.BigEndian.Uint64(body)
	sc.SpanID = binary.BigEndian.Uint64(body[8:])
	flags := body[16]
	if sc.TraceID == 0 || sc.SpanID == 0 {
		return MockSpanContext{}, corrupted("zero trace id or span id")
	}
	if flags&^1 != 0 {
		return MockSpanContext{}, corrupted("unknown flags %#x", flags)
	}
	sc.Sampled = flags == 1
	rest := body[binaryFixed:]
	count, n := binary.Uvarint(rest)
	if n <= 0 || count > uint64(len(rest))/2 {
		return MockSpanContext{}, corrupted("bad baggage count")
	}
	rest = rest[n:]
	str := func() (string, bool) {
		l, n := binary.Uvarint(rest)
		if n <= 0 || l > uint64(len(rest)-n) {
			return "", false
		}
		s := string(rest[n : n+int(l)])
		rest = rest[n+int(l):]
		return s, true
	}
	if count > 0 {
		// count comes from the input: the map grows with the items
		// actually decoded, never sized by what the input claims.
		sc.Baggage = make(map[string]string, min(count, maxPresized))
	}
	for range count {
		k, ok1 := str()
		v, ok2 := str()
		if !ok1 || !ok2 {
			return MockSpanContext{}, corrupted("truncated baggage item")
		}
		if _, dup := sc.Baggage[k]; dup {
			return MockSpanContext{}, corrupted("baggage %s given twice", quote(k))
		}
		sc.Baggage[k] = v
	}
	if len(rest) != 0 {
		return MockSpanContext{}, corrupted("%d trailing bytes", len(rest))
	}
	return sc, nil
}
