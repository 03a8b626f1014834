package opentracing

import (
	"errors"
	"net/http"
)

var (
	// ErrUnsupportedFormat occurs when Inject or Extract is given a format
	// the tracer does not know.
	ErrUnsupportedFormat = errors.New("opentracing: unknown or unsupported Inject/Extract format")

	// ErrSpanContextNotFound occurs when Extract finds no span context in
	// the carrier (Python's extract returns None).
	ErrSpanContextNotFound = errors.New("opentracing: SpanContext not found in Extract carrier")

	// ErrInvalidSpanContext occurs when Inject is given a SpanContext that
	// the tracer did not make (or a nil one).
	ErrInvalidSpanContext = errors.New("opentracing: SpanContext type incompatible with tracer")

	// ErrInvalidCarrier occurs when the carrier is not of the type the
	// format requires.
	ErrInvalidCarrier = errors.New("opentracing: invalid Inject/Extract carrier")

	// ErrSpanContextCorrupted occurs when Extract finds a span context that
	// it cannot parse.
	ErrSpanContextCorrupted = errors.New("opentracing: SpanContext data corrupted in Extract carrier")
)

// BuiltinFormat is the type of the three formats every tracer supports. A
// format is any comparable value, so a tracer may define its own.
type BuiltinFormat byte

const (
	// Binary represents a SpanContext as opaque bytes. Inject takes an
	// io.Writer (and appends to it); Extract takes an io.Reader.
	Binary BuiltinFormat = iota + 1

	// TextMap represents a SpanContext as string key/value pairs. Keys and
	// values are unrestricted. Inject takes a TextMapWriter; Extract takes a
	// TextMapReader. A carrier may hold unrelated entries: tracers use a key
	// prefix and ignore the rest.
	TextMap

	// HTTPHeaders is TextMap whose pairs must survive as HTTP headers: keys
	// are case-insensitive and values are header-safe. Inject takes a
	// TextMapWriter (usually HTTPHeadersCarrier); Extract a TextMapReader.
	//
	// A plain http.Header has Set but no ForeachKey: it is a TextMapWriter
	// and not a TextMapReader. Pass HTTPHeadersCarrier(h) both ways to be
	// portable; some tracers (the MockTracer among them) also take the
	// plain http.Header for Extract, as HTTPHeadersCarrier(h), so that
	// Extract takes what Inject does. Header carriers belong with this
	// format, not with TextMap, whose keys are compared exactly while a
	// header carrier's Set canonicalises them.
	HTTPHeaders
)

// String returns "binary", "text_map" or "http_headers", the names the
// Python API uses.
func (f BuiltinFormat) String() string {
	switch f {
	case Binary:
		return "binary"
	case TextMap:
		return "text_map"
	case HTTPHeaders:
		return "http_headers"
	default:
		return "unknown_format"
	}
}

// TextMapWriter is the Inject carrier of TextMap and HTTPHeaders.
type TextMapWriter interface {
	// Set sets a key/value pair; Set with an existing key overwrites it.
	Set(key, val string)
}

// TextMapReader is the Extract carrier of TextMap and HTTPHeaders.
type TextMapReader interface {
	// ForeachKey calls handler for each pair until handler returns an
	// error, which ForeachKey then returns.
	ForeachKey(handler func(key, val string) error) error
}

// TextMapCarrier adapts a map[string]string to TextMapWriter and
// TextMapReader.
type TextMapCarrier map[string]string

// ForeachKey implements TextMapReader.
func (c TextMapCarrier) ForeachKey(handler func(key, val string) error) error {
	for k, v := range c {
		if err := handler(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Set implements TextMapWriter.
func (c TextMapCarrier) Set(key, val string) { c[key] = val }

// HTTPHeadersCarrier adapts http.Header to TextMapWriter and
// TextMapReader.
//
//	carrier := opentracing.HTTPHeadersCarrier(req.Header)
//	err := tracer.Inject(span.Context(), opentracing.HTTPHeaders, carrier)
type HTTPHeadersCarrier http.Header

// Set implements TextMapWriter; the key is canonicalised as http.Header
// does.
func (c HTTPHeadersCarrier) Set(key, val string) {
	http.Header(c).Set(key, val)
}

// ForeachKey implements TextMapReader. Each value of a multi-valued header
// is passed in turn.
func (c HTTPHeadersCarrier) ForeachKey(handler func(key, val string) error) error {
	for k, vals := range c {
		for _, v := range vals {
			if err := handler(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}
