package harness

import (
	"bytes"
	"errors"
	"maps"
	"net/http"
	"strings"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
)

var propagationChecks = []checkDef{
	{"InjectExtractTextMap", 0, func(e *env) { checkInjectExtract(e, textMapFormat) }},
	{"InjectExtractHTTPHeaders", 0, func(e *env) { checkInjectExtract(e, httpFormat) }},
	{"InjectExtractBinary", 0, func(e *env) { checkInjectExtract(e, binaryFormat) }},
	{"BaggagePropagationTextMap", capBaggage | capInject | capExtract, func(e *env) { checkBaggagePropagation(e, textMapFormat) }},
	{"BaggagePropagationHTTPHeaders", capBaggage | capInject | capExtract, func(e *env) { checkBaggagePropagation(e, httpFormat) }},
	{"BaggagePropagationBinary", capBaggage | capInject | capExtract, func(e *env) { checkBaggagePropagation(e, binaryFormat) }},
	{"HTTPHeadersValid", capInject, checkHTTPHeadersValid},
	{"HTTPHeadersCaseInsensitive", capInject | capExtract, checkHTTPHeadersCaseInsensitive},
	{"UnrelatedEntries", capInject | capExtract, checkUnrelatedEntries},
	{"BinaryInjectAppends", capInject | capExtract, checkBinaryInjectAppends},
	{"UnknownFormat", 0, checkUnknownFormat},
	{"InvalidCarrierInject", 0, checkInvalidCarrierInject},
	{"InvalidCarrierExtract", 0, checkInvalidCarrierExtract},
	{"InvalidSpanContext", capInject, checkInvalidSpanContext},
	{"ExtractNotFound", capExtract, checkExtractNotFound},
	{"ExtractCorrupted", 0, checkExtractCorrupted},
}

// format describes one builtin format: how to make an Inject carrier and
// how to read back what was injected.
type format struct {
	name   string
	format opentracing.BuiltinFormat
	// newCarrier returns an empty Inject carrier.
	newCarrier func() any
	// reader returns an Extract carrier holding what was injected into c.
	reader func(c any) any
}

var (
	textMapFormat = format{
		name:       "TextMap",
		format:     opentracing.TextMap,
		newCarrier: func() any { return opentracing.TextMapCarrier{} },
		reader:     func(c any) any { return c },
	}
	httpFormat = format{
		name:       "HTTPHeaders",
		format:     opentracing.HTTPHeaders,
		newCarrier: func() any { return opentracing.HTTPHeadersCarrier(http.Header{}) },
		reader:     func(c any) any { return c },
	}
	binaryFormat = format{
		name:       "Binary",
		format:     opentracing.Binary,
		newCarrier: func() any { return new(bytes.Buffer) },
		reader:     func(c any) any { return bytes.NewReader(c.(*bytes.Buffer).Bytes()) },
	}
	allFormats = []format{textMapFormat, httpFormat, binaryFormat}
)

// notACarrier is a carrier no format accepts.
type notACarrier struct{}

// foreignSpanContext is a SpanContext no tracer made.
type foreignSpanContext struct{}

func (foreignSpanContext) ForeachBaggageItem(func(k, v string) bool) {}

// extract calls Extract and checks the contract that holds for every
// tracer: an error comes with a nil SpanContext (never a half-made one),
// and no error comes with a non-nil one.
func (e *env) extract(what string, fmtValue any, carrier any) (opentracing.SpanContext, error) {
	e.t.Helper()
	sc, err := e.tracer.Extract(fmtValue, carrier)
	if err != nil && sc != nil {
		e.errorf("%s: Extract returned error %v with SpanContext %s, want a nil SpanContext", what, err, describe(sc))
	}
	if err == nil && sc == nil {
		e.errorf("%s: Extract returned a nil SpanContext and a nil error", what)
	}
	return sc, err
}

// roundTrip injects sc in f and extracts it again. Inject must not fail.
func (e *env) roundTrip(f format, sc opentracing.SpanContext) (opentracing.SpanContext, error) {
	e.t.Helper()
	c := f.newCarrier()
	if err := e.tracer.Inject(sc, f.format, c); err != nil {
		e.errorf("Inject(%s) = %v, want nil", f.name, err)
	}
	return e.extract("Extract("+f.name+")", f.format, f.reader(c))
}

func checkInjectExtract(e *env, f format) {
	sp := e.start("propagated")
	defer sp.Finish()
	got, err := e.roundTrip(f, sp.Context())
	if !e.has(capExtract) {
		return
	}
	if err != nil {
		e.fatalf("Extract(%s) of an injected context = %v, want nil", f.name, err)
	}
	if b := baggage(got); len(b) != 0 {
		e.errorf("Extract(%s): baggage = %v, want none", f.name, b)
	}
	again, err := e.roundTrip(f, got)
	if err != nil {
		e.fatalf("Inject then Extract(%s) of an extracted context = %v, want nil", f.name, err)
	}
	p := e.probe()
	if p == nil {
		return
	}
	if !p.SameSpanContext(sp, got) {
		e.errorf("Extract(%s): probe says the context does not identify the injected span", f.name)
	}
	if !p.SameSpanContext(sp, again) {
		e.errorf("Extract(%s) of a re-injected extracted context: probe says it does not identify the original span", f.name)
	}
	child := e.start("remote child", opentracing.ChildOf(got))
	defer child.Finish()
	if !p.SameTrace(sp, child) {
		e.errorf("span started ChildOf(Extract(%s)): not in the injected span's trace", f.name)
	}
	e.wantSampledSurvives(f)
}

// wantSampledSurvives checks, with a SamplingProbe, that Inject then
// Extract in f keeps the sampled flag of a span left sampled and of one
// whose sampling.priority tag is 0 (a tracer that ignores the tag has two
// sampled spans, and must keep that).
func (e *env) wantSampledSurvives(f format) {
	e.t.Helper()
	sp := optional[SamplingProbe](e)
	if sp == nil {
		return
	}
	spans := map[string]opentracing.Span{
		"default":             e.start("sampled"),
		"sampling.priority=0": e.start("unsampled", opentracing.Tag{Key: string(ext.SamplingPriority), Value: uint16(0)}),
	}
	for _, name := range []string{"default", "sampling.priority=0"} {
		span := spans[name]
		want := sp.Sampled(span.Context())
		got, err := e.roundTrip(f, span.Context())
		if err == nil {
			if g := sp.Sampled(got); g != want {
				e.errorf("Extract(%s) of a span (%s) with Sampled = %v: probe Sampled = %v, want the flag kept", f.name, name, want, g)
			}
		}
		span.Finish()
	}
}

// baggageFor returns baggage that the format must carry intact: arbitrary
// strings for TextMap and Binary; lower-case keys (header names are
// case-insensitive) and values that need escaping for HTTPHeaders.
func baggageFor(f format) map[string]string {
	if f.format == opentracing.HTTPHeaders {
		return map[string]string{
			"kiff-loves": "Amy",
			"unicode":    "значение 😀 \u200b",
			"specials":   "a b, c=d; e%20f \"q\"\r\nline2\t",
		}
	}
	return map[string]string{
		"Kiff-loves": "Amy",
		"ключ-☃":     "значение 😀 \u200b",
		"specials":   "a b, c=d; e%20f \"q\"\r\nline2\t\x00",
	}
}

func checkBaggagePropagation(e *env, f format) {
	sp := e.start("propagated")
	defer sp.Finish()
	want := baggageFor(f)
	for k, v := range want {
		sp.SetBaggageItem(k, v)
	}
	got, err := e.roundTrip(f, sp.Context())
	if err != nil {
		e.fatalf("Extract(%s) = %v, want nil", f.name, err)
	}
	if b := baggage(got); !maps.Equal(b, want) {
		e.errorf("Extract(%s): baggage = %q, want %q", f.name, b, want)
	}
	child := e.start("remote child", opentracing.ChildOf(got))
	defer child.Finish()
	for k, v := range want {
		if cv := child.BaggageItem(k); cv != v {
			e.errorf("child of Extract(%s): BaggageItem(%q) = %q, want %q", f.name, k, cv, v)
		}
	}
}

// validHeaderName reports whether s is an HTTP token (RFC 9110).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s can be sent as an HTTP header value:
// no control characters but tab, no leading or trailing white space.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return strings.TrimSpace(s) == s
}

func checkHTTPHeadersValid(e *env) {
	sp := e.start("headers")
	defer sp.Finish()
	for k, v := range baggageFor(httpFormat) {
		sp.SetBaggageItem(k, v)
	}
	h := http.Header{}
	if err := e.tracer.Inject(sp.Context(), opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h)); err != nil {
		e.fatalf("Inject(HTTPHeaders) = %v, want nil", err)
	}
	for k, vs := range h {
		if !validHeaderName(k) {
			e.errorf("Inject(HTTPHeaders) wrote header name %q, not a valid HTTP token", k)
		}
		for _, v := range vs {
			if !validHeaderValue(v) {
				e.errorf("Inject(HTTPHeaders) wrote header %s: %q, not a valid header value (escape baggage values)", k, v)
			}
		}
	}
}

func checkHTTPHeadersCaseInsensitive(e *env) {
	sp := e.start("headers")
	defer sp.Finish()
	want := map[string]string{}
	if e.has(capBaggage) {
		want["kiff-loves"] = "Amy"
		sp.SetBaggageItem("kiff-loves", "Amy")
	}
	h := http.Header{}
	if err := e.tracer.Inject(sp.Context(), opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h)); err != nil {
		e.fatalf("Inject(HTTPHeaders) = %v, want nil", err)
	}
	for _, tt := range []struct {
		name string
		conv func(string) string
	}{{"lower-case", strings.ToLower}, {"upper-case", strings.ToUpper}} {
		// Keys are stored as given, not canonicalised, as an HTTP/2 server
		// or a proxy may deliver them.
		recased := http.Header{}
		for k, vs := range h {
			recased[tt.conv(k)] = vs
		}
		what := "Extract(HTTPHeaders) with " + tt.name + " header names"
		got, err := e.extract(what, opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(recased))
		if err != nil {
			e.errorf("%s = %v, want nil (header names are case-insensitive)", what, err)
			continue
		}
		if b := baggage(got); !maps.Equal(b, want) {
			e.errorf("%s: baggage = %q, want %q", what, b, want)
		}
		if p := e.probe(); p != nil && !p.SameSpanContext(sp, got) {
			e.errorf("%s: probe says the context does not identify the injected span", what)
		}
	}
}

func checkUnrelatedEntries(e *env) {
	sp := e.start("unrelated")
	defer sp.Finish()

	tm := opentracing.TextMapCarrier{"unrelated": "keep me"}
	if err := e.tracer.Inject(sp.Context(), opentracing.TextMap, tm); err != nil {
		e.fatalf("Inject(TextMap) = %v, want nil", err)
	}
	if tm["unrelated"] != "keep me" {
		e.errorf("Inject(TextMap) changed an unrelated entry: %q, want %q", tm["unrelated"], "keep me")
	}
	if _, err := e.extract("Extract(TextMap) with an unrelated entry", opentracing.TextMap, tm); err != nil {
		e.errorf("Extract(TextMap) with an unrelated entry = %v, want nil", err)
	}

	h := http.Header{"Content-Type": {"text/plain"}, "X-Request-Id": {"42"}}
	if err := e.tracer.Inject(sp.Context(), opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h)); err != nil {
		e.fatalf("Inject(HTTPHeaders) = %v, want nil", err)
	}
	if got := h.Get("Content-Type"); got != "text/plain" {
		e.errorf("Inject(HTTPHeaders) changed Content-Type to %q, want %q", got, "text/plain")
	}
	if _, err := e.extract("Extract(HTTPHeaders) with unrelated headers", opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(h)); err != nil {
		e.errorf("Extract(HTTPHeaders) with unrelated headers = %v, want nil", err)
	}

	onlyUnrelated := []struct {
		name    string
		format  opentracing.BuiltinFormat
		carrier any
	}{
		{"TextMap", opentracing.TextMap, opentracing.TextMapCarrier{"unrelated": "x", "": ""}},
		{"HTTPHeaders", opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier{"Content-Type": {"text/plain"}}},
	}
	for _, tt := range onlyUnrelated {
		what := "Extract(" + tt.name + ") with only unrelated entries"
		if _, err := e.extract(what, tt.format, tt.carrier); !errors.Is(err, opentracing.ErrSpanContextNotFound) {
			e.errorf("%s = %v, want ErrSpanContextNotFound", what, err)
		}
	}
}

func checkBinaryInjectAppends(e *env) {
	sp := e.start("binary")
	defer sp.Finish()
	prefix := []byte("prefix written by someone else")
	buf := bytes.NewBuffer(append([]byte(nil), prefix...))
	if err := e.tracer.Inject(sp.Context(), opentracing.Binary, buf); err != nil {
		e.fatalf("Inject(Binary) = %v, want nil", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), prefix) {
		e.fatalf("Inject(Binary) overwrote the writer's contents %q, want it to append", prefix)
	}
	if buf.Len() == len(prefix) {
		e.fatalf("Inject(Binary) wrote nothing")
	}
	r := bytes.NewReader(buf.Bytes()[len(prefix):])
	got, err := e.extract("Extract(Binary) after a prefix", opentracing.Binary, r)
	if err != nil {
		e.fatalf("Extract(Binary) of the appended bytes = %v, want nil", err)
	}
	if p := e.probe(); p != nil && !p.SameSpanContext(sp, got) {
		e.errorf("Extract(Binary) of the appended bytes: probe says the context does not identify the injected span")
	}
}

func checkUnknownFormat(e *env) {
	sp := e.start("unknown format")
	defer sp.Finish()
	type customFormat struct{ name string }
	formats := []any{"kiss my shiny metal ...", customFormat{"mine"}, opentracing.BuiltinFormat(255)}
	for _, f := range formats {
		err := e.tracer.Inject(sp.Context(), f, opentracing.TextMapCarrier{})
		if e.has(capInject) && !errors.Is(err, opentracing.ErrUnsupportedFormat) {
			e.errorf("Inject(format %s) = %v, want ErrUnsupportedFormat", describe(f), err)
		}
		sc, err := e.tracer.Extract(f, opentracing.TextMapCarrier{})
		if sc != nil {
			e.errorf("Extract(format %s) = %s, want a nil SpanContext", describe(f), describe(sc))
		}
		if e.has(capExtract) && !errors.Is(err, opentracing.ErrUnsupportedFormat) {
			e.errorf("Extract(format %s) = %v, want ErrUnsupportedFormat", describe(f), err)
		}
	}
}

// derefCarrier is a carrier of every kind (TextMapWriter, TextMapReader,
// io.Writer, io.Reader) whose pointer methods dereference the receiver, as
// a user's own carrier type would: a nil *derefCarrier panics in them.
type derefCarrier struct{ m map[string]string }

func (c *derefCarrier) Set(k, v string) { c.m[k] = v }
func (c *derefCarrier) ForeachKey(handler func(k, v string) error) error {
	for k, v := range c.m {
		if err := handler(k, v); err != nil {
			return err
		}
	}
	return nil
}
func (c *derefCarrier) Write(p []byte) (int, error) { c.m[""] += string(p); return len(p), nil }
func (c *derefCarrier) Read(p []byte) (int, error) {
	n := copy(p, c.m[""])
	c.m[""] = c.m[""][n:]
	return n, nil
}

// wrongCarriers lists, per format, carriers the format cannot use for
// Inject (inject) or Extract: values of a type the format does not take,
// and typed nils of a type it does take, whose methods would panic. A nil
// pointer carrier (a nil *bytes.Buffer, a nil *TextMapCarrier, a nil
// pointer to the caller's own type) is invalid for both; a nil map is
// invalid for Inject only, as reading it is reading an empty carrier
// (ExtractNotFound checks that).
func wrongCarriers(f format, inject bool) []any {
	switch f.format {
	case opentracing.Binary:
		return []any{notACarrier{}, opentracing.TextMapCarrier{}, "bytes", nil,
			(*bytes.Buffer)(nil), (*bytes.Reader)(nil), (*derefCarrier)(nil)}
	default:
		c := []any{notACarrier{}, new(bytes.Buffer), "k=v", nil,
			(*opentracing.TextMapCarrier)(nil), (*opentracing.HTTPHeadersCarrier)(nil), (*derefCarrier)(nil)}
		if inject {
			c = append(c, opentracing.TextMapCarrier(nil), opentracing.HTTPHeadersCarrier(nil))
		}
		return c
	}
}

// checkInvalidCarrierInject gives Inject carriers it cannot use. Every
// tracer must answer without a panic; with CheckInject the error must be
// ErrInvalidCarrier.
func checkInvalidCarrierInject(e *env) {
	sp := e.start("invalid carrier")
	defer sp.Finish()
	for _, f := range allFormats {
		for _, c := range wrongCarriers(f, true) {
			err := e.tracer.Inject(sp.Context(), f.format, c)
			if e.has(capInject) && !errors.Is(err, opentracing.ErrInvalidCarrier) {
				e.errorf("Inject(%s, carrier %s) = %v, want ErrInvalidCarrier", f.name, describe(c), err)
			}
		}
	}
}

// checkInvalidCarrierExtract gives Extract carriers it cannot use. Every
// tracer must answer without a panic and without a half-made SpanContext;
// with CheckExtract the error must be ErrInvalidCarrier.
func checkInvalidCarrierExtract(e *env) {
	for _, f := range allFormats {
		for _, c := range wrongCarriers(f, false) {
			what := "Extract(" + f.name + ", carrier " + describe(c) + ")"
			if _, err := e.extract(what, f.format, c); e.has(capExtract) && !errors.Is(err, opentracing.ErrInvalidCarrier) {
				e.errorf("%s = %v, want ErrInvalidCarrier", what, err)
			}
		}
	}
}

func checkInvalidSpanContext(e *env) {
	for _, f := range allFormats {
		for _, sc := range []opentracing.SpanContext{foreignSpanContext{}, nil} {
			if err := e.tracer.Inject(sc, f.format, f.newCarrier()); !errors.Is(err, opentracing.ErrInvalidSpanContext) {
				e.errorf("Inject(%s) of SpanContext %s = %v, want ErrInvalidSpanContext", f.name, describe(sc), err)
			}
		}
	}
}

func checkExtractNotFound(e *env) {
	empty := []struct {
		name    string
		format  opentracing.BuiltinFormat
		carrier any
	}{
		{"TextMap, empty map", opentracing.TextMap, opentracing.TextMapCarrier{}},
		{"TextMap, nil map", opentracing.TextMap, opentracing.TextMapCarrier(nil)},
		{"HTTPHeaders, empty header", opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier{}},
		{"Binary, empty reader", opentracing.Binary, bytes.NewReader(nil)},
		{"Binary, empty buffer", opentracing.Binary, new(bytes.Buffer)},
	}
	for _, tt := range empty {
		what := "Extract(" + tt.name + ")"
		if _, err := e.extract(what, tt.format, tt.carrier); !errors.Is(err, opentracing.ErrSpanContextNotFound) {
			e.errorf("%s = %v, want ErrSpanContextNotFound", what, err)
		}
	}
}

// garbageValues replace every injected TextMap or HTTPHeaders value.
var garbageValues = []string{
	"garbage\x00\xff%zz",
	"99999999999999999999999999999999999999999999999999",
	"not-a-span-context",
}

// checkExtractCorrupted replaces what Inject wrote by garbage: every value
// of the TextMap and HTTPHeaders carriers, and for Binary both random
// bytes and the injected bytes cut short by one. Every tracer must answer
// without a panic and without a half-made SpanContext; with CheckInject and
// CheckExtract the error must be ErrSpanContextCorrupted (not "not found":
// the keys are there).
func checkExtractCorrupted(e *env) {
	strict := e.has(capInject | capExtract)
	sp := e.start("corrupted")
	defer sp.Finish()
	for _, f := range []format{textMapFormat, httpFormat} {
		injected := opentracing.TextMapCarrier{}
		if err := e.tracer.Inject(sp.Context(), f.format, injected); err != nil && strict {
			e.fatalf("Inject(%s) = %v, want nil", f.name, err)
		}
		for _, g := range garbageValues {
			var carrier any
			switch f.format {
			case opentracing.HTTPHeaders:
				h := http.Header{}
				for k := range injected {
					h[k] = []string{g}
				}
				carrier = opentracing.HTTPHeadersCarrier(h)
			default:
				m := opentracing.TextMapCarrier{}
				for k := range injected {
					m[k] = g
				}
				carrier = m
			}
			what := "Extract(" + f.name + ") with every value replaced by " + describe(g)
			_, err := e.extract(what, f.format, carrier)
			if strict && !errors.Is(err, opentracing.ErrSpanContextCorrupted) {
				e.errorf("%s = %v, want ErrSpanContextCorrupted", what, err)
			}
		}
	}

	buf := new(bytes.Buffer)
	if err := e.tracer.Inject(sp.Context(), opentracing.Binary, buf); err != nil && strict {
		e.fatalf("Inject(Binary) = %v, want nil", err)
	}
	payloads := map[string][]byte{
		"64 bytes of 0xff":    bytes.Repeat([]byte{0xff}, 64),
		"text":                []byte("not a span context, not at all"),
		"injected, truncated": buf.Bytes()[:max(buf.Len()-1, 0)],
	}
	for _, name := range []string{"64 bytes of 0xff", "text", "injected, truncated"} {
		what := "Extract(Binary) of " + name
		_, err := e.extract(what, opentracing.Binary, bytes.NewReader(payloads[name]))
		if strict && len(payloads[name]) > 0 && !errors.Is(err, opentracing.ErrSpanContextCorrupted) {
			e.errorf("%s = %v, want ErrSpanContextCorrupted", what, err)
		}
	}
}
