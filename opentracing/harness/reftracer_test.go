package harness_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/harness"
	"github.com/tracebed/tracebed/opentracing/log"
)

// refTracer is a small but complete tracer used to show that the harness
// can be passed, and, with one of its breakage flags set, that each check
// catches the bug it is about.
type refTracer struct {
	broken breakage

	mu         sync.Mutex // guards nextID, stack, ticks and traceSpans
	nextID     uint64
	stack      []*refScope
	ticks      int               // the clock: refClockStart + ticks ms
	traceSpans map[uint64]uint64 // with repeatSpanIDs, spans started per trace
}

// refClockStart is the reference tracer's clock at tick 0: far from the
// harness's explicit times, so that a tracer that ignores them is seen.
var refClockStart = time.Date(2030, time.June, 1, 0, 0, 0, 0, time.UTC)

// now reads the tracer's deterministic clock, a millisecond per reading.
func (t *refTracer) now() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ticks++
	return refClockStart.Add(time.Duration(t.ticks) * time.Millisecond)
}

// breakage lists the bugs refTracer can be told to have.
type breakage struct {
	dropBaggage          bool // SetBaggageItem does nothing
	mutableContext       bool // SetBaggageItem writes into the existing SpanContext
	ignoreActive         bool // StartSpan never takes the active span as parent
	noFinishOnClose      bool // Close never finishes the span
	closeClearsAll       bool // Close empties the whole stack instead of restoring the previous scope
	notFoundOnCorrupt    bool // a corrupted id is reported as ErrSpanContextNotFound (opentracing-go's mock)
	halfMadeContext      bool // Extract returns what it parsed so far along with the error
	panicOnOddLogKV      bool // LogKV panics on an odd list
	caseSensitiveHTTP    bool // HTTPHeaders keys are compared case-sensitively on Extract
	rawHeaderValues      bool // baggage values are written to headers unescaped
	usesNilCarrier       bool // Inject and Extract call the methods of a typed-nil carrier
	ignoreIgnoreActive   bool // StartSpan takes the active span as parent despite IgnoreActiveSpan
	activeBeatsExplicit  bool // StartSpan takes the active span as parent over an explicit reference
	wrongCarrierAbsent   bool // Extract reports a carrier of the wrong type as ErrSpanContextNotFound
	followsFromIsRoot    bool // StartSpan turns a FollowsFrom reference into a root span of a new trace
	startActivates       bool // StartSpan activates the span (until it finishes), as StartActiveSpan does
	followsFromAsChildOf bool // StartSpan records a FollowsFrom reference as ChildOf
	ignoreStartTime      bool // StartSpan takes now, not the StartTime option
	ignoreFinishTime     bool // FinishWithOptions takes now, not FinishTime
	ignoreLogTimestamps  bool // log records get now, not the timestamp given
	ignoreSetOpName      bool // SetOperationName does nothing
	intTagsAsStrings     bool // int tags are stored as their decimal string
	dropSampled          bool // Inject does not write the sampled flag (Extract then says sampled)
	repeatSpanIDs        bool // span ids count from 1 in every trace
}

func newRefTracer(b breakage) func() (opentracing.Tracer, func()) {
	return func() (opentracing.Tracer, func()) { return &refTracer{broken: b}, nil }
}

var (
	_ opentracing.Tracer       = (*refTracer)(nil)
	_ opentracing.ScopeManager = (*refTracer)(nil)
	_ opentracing.Span         = (*refSpan)(nil)
)

type refContext struct {
	traceID, spanID uint64
	notSampled      bool
	baggage         map[string]string
}

func (c *refContext) ForeachBaggageItem(handler func(k, v string) bool) {
	for k, v := range c.baggage {
		if !handler(k, v) {
			return
		}
	}
}

type refSpan struct {
	tracer    *refTracer
	parentID  uint64
	refTypes  []opentracing.SpanReferenceType // never changed after start
	autoScope *refScope                       // with startActivates, the scope StartSpan opened

	mu       sync.Mutex // guards every field below
	ctx      *refContext
	finishes int
	name     string
	tags     map[string]any
	logs     []opentracing.LogRecord
	start    time.Time
	finish   time.Time
}

func (t *refTracer) id() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nextID++
	return t.nextID
}

func (t *refTracer) StartSpan(name string, opts ...opentracing.StartSpanOption) opentracing.Span {
	sp := t.startSpan(name, opts)
	if t.broken.startActivates {
		sp.autoScope = t.Activate(sp, false).(*refScope)
	}
	return sp
}

func (t *refTracer) startSpan(name string, opts []opentracing.StartSpanOption) *refSpan {
	var sm opentracing.ScopeManager = t
	if t.broken.ignoreActive {
		sm = nil
	}
	o := opentracing.NewStartSpanOptions(sm, opts...)
	if sm != nil && (t.broken.ignoreIgnoreActive && o.IgnoreActiveSpan && len(o.References) == 0 ||
		t.broken.activeBeatsExplicit && len(o.References) > 0) {
		if a := t.ActiveSpan(); a != nil {
			o.References = []opentracing.SpanReference{opentracing.ChildOf(a.Context())}
		}
	}
	if t.broken.followsFromIsRoot && len(o.References) > 0 && o.References[0].Type == opentracing.FollowsFromRef {
		o.References = nil
	}
	sp := &refSpan{tracer: t, ctx: &refContext{spanID: t.id()}, name: name, start: o.StartTime}
	if sp.start.IsZero() || t.broken.ignoreStartTime {
		sp.start = t.now()
	}
	for _, r := range o.References {
		if t.broken.followsFromAsChildOf && r.Type == opentracing.FollowsFromRef {
			r.Type = opentracing.ChildOfRef
		}
		sp.refTypes = append(sp.refTypes, r.Type)
	}
	if len(o.References) > 0 {
		parent := o.References[0].ReferencedContext.(*refContext)
		sp.parentID = parent.spanID
		sp.ctx.traceID = parent.traceID
		sp.ctx.baggage = maps.Clone(parent.baggage)
		sp.ctx.notSampled = parent.notSampled
	} else {
		sp.ctx.traceID = t.id()
	}
	if t.broken.repeatSpanIDs {
		t.mu.Lock()
		if t.traceSpans == nil {
			t.traceSpans = map[uint64]uint64{}
		}
		t.traceSpans[sp.ctx.traceID]++
		sp.ctx.spanID = t.traceSpans[sp.ctx.traceID]
		t.mu.Unlock()
	}
	for k, v := range o.Tags {
		sp.setTag(k, v)
	}
	return sp
}

func (t *refTracer) StartActiveSpan(name string, opts ...opentracing.StartSpanOption) opentracing.Scope {
	o := opentracing.NewStartSpanOptions(nil, opts...)
	return t.Activate(t.startSpan(name, opts), !o.KeepOpenOnClose)
}

func (t *refTracer) ScopeManager() opentracing.ScopeManager { return t }

func (t *refTracer) ActiveSpan() opentracing.Span {
	if s := t.Active(); s != nil {
		return s.Span()
	}
	return nil
}

type refScope struct {
	t      *refTracer
	span   opentracing.Span
	finish bool
}

func (t *refTracer) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	s := &refScope{t: t, span: span, finish: finishOnClose && !t.broken.noFinishOnClose}
	t.mu.Lock()
	t.stack = append(t.stack, s)
	t.mu.Unlock()
	return s
}

func (t *refTracer) Active() opentracing.Scope {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.stack) == 0 {
		return nil
	}
	return t.stack[len(t.stack)-1]
}

func (s *refScope) Span() opentracing.Span            { return s.span }
func (s *refScope) Manager() opentracing.ScopeManager { return s.t }
func (s *refScope) Close() {
	t := s.t
	t.mu.Lock()
	if len(t.stack) == 0 || t.stack[len(t.stack)-1] != s {
		t.mu.Unlock()
		return // out of order or twice: ignored
	}
	t.stack = t.stack[:len(t.stack)-1]
	if t.broken.closeClearsAll {
		t.stack = nil
	}
	t.mu.Unlock()
	if s.finish {
		s.span.Finish()
	}
}

func (s *refSpan) context() *refContext {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctx
}

func (s *refSpan) Finish() { s.FinishWithOptions(opentracing.FinishOptions{}) }
func (s *refSpan) FinishWithOptions(o opentracing.FinishOptions) {
	at := o.FinishTime
	if at.IsZero() || s.tracer.broken.ignoreFinishTime {
		at = s.tracer.now()
	}
	for _, r := range o.LogRecords {
		s.log(r.Timestamp, r.Fields)
	}
	s.mu.Lock()
	s.finishes++
	if s.finishes == 1 {
		s.finish = at
	}
	s.mu.Unlock()
	if a := s.autoScope; a != nil {
		t := s.tracer
		t.mu.Lock()
		t.stack = slices.DeleteFunc(t.stack, func(x *refScope) bool { return x == a })
		t.mu.Unlock()
	}
}
func (s *refSpan) Context() opentracing.SpanContext { return s.context() }
func (s *refSpan) SetOperationName(name string) opentracing.Span {
	if !s.tracer.broken.ignoreSetOpName {
		s.mu.Lock()
		s.name = name
		s.mu.Unlock()
	}
	return s
}
func (s *refSpan) SetTag(k string, v any) opentracing.Span { s.setTag(k, v); return s }
func (s *refSpan) setTag(k string, v any) {
	if _, isInt := v.(int); isInt && s.tracer.broken.intTagsAsStrings {
		v = fmt.Sprint(v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tags == nil {
		s.tags = map[string]any{}
	}
	s.tags[k] = v
	if k == "sampling.priority" {
		// A new context: the old one is immutable.
		c := *s.ctx
		c.notSampled = fmt.Sprint(v) == "0"
		s.ctx = &c
	}
}
func (s *refSpan) LogFields(f ...log.Field)                 { s.log(time.Time{}, f) }
func (s *refSpan) LogFieldsAt(ts time.Time, f ...log.Field) { s.log(ts, f) }
func (s *refSpan) log(ts time.Time, f []log.Field) {
	if ts.IsZero() || s.tracer.broken.ignoreLogTimestamps {
		ts = s.tracer.now()
	}
	s.mu.Lock()
	s.logs = append(s.logs, opentracing.LogRecord{Timestamp: ts, Fields: slices.Clone(f)})
	s.mu.Unlock()
}
func (s *refSpan) BaggageItem(k string) string     { return s.context().baggage[k] }
func (s *refSpan) Tracer() opentracing.Tracer      { return s.tracer }
func (s *refSpan) LogEvent(string)                 {}
func (s *refSpan) LogEventWithPayload(string, any) {}

//lint:ignore SA1019 refSpan implements the deprecated method.
func (s *refSpan) Log(opentracing.LogData) {}
func (s *refSpan) LogKV(kv ...any) {
	if _, err := log.InterleavedKVToFields(kv...); err != nil && s.tracer.broken.panicOnOddLogKV {
		panic(err)
	}
}

func (s *refSpan) SetBaggageItem(k, v string) opentracing.Span {
	if s.tracer.broken.dropBaggage {
		return s
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tracer.broken.mutableContext {
		if s.ctx.baggage == nil {
			s.ctx.baggage = map[string]string{}
		}
		s.ctx.baggage[k] = v
		return s
	}
	b := maps.Clone(s.ctx.baggage)
	if b == nil {
		b = map[string]string{}
	}
	b[k] = v
	s.ctx = &refContext{traceID: s.ctx.traceID, spanID: s.ctx.spanID, notSampled: s.ctx.notSampled, baggage: b}
	return s
}

const (
	keyTrace  = "ref-traceid"
	keySpan   = "ref-spanid"
	keySamp   = "ref-sampled"
	keyPrefix = "ref-bag-"
	magic     = "REF1"
)

// nilCarrier reports whether carrier is a nil pointer or func, whose
// methods would panic, or (for write) a nil map, which would panic on a
// write. A nil map is a fine, empty, carrier to read.
func (t *refTracer) nilCarrier(carrier any, write bool) bool {
	if carrier == nil || t.broken.usesNilCarrier {
		return false
	}
	switch v := reflect.ValueOf(carrier); v.Kind() {
	case reflect.Pointer, reflect.Func:
		return v.IsNil()
	case reflect.Map:
		return write && v.IsNil()
	}
	return false
}

func (t *refTracer) Inject(sc opentracing.SpanContext, format any, carrier any) error {
	c, ok := sc.(*refContext)
	if !ok || c == nil {
		return opentracing.ErrInvalidSpanContext
	}
	if t.nilCarrier(carrier, true) {
		switch format {
		case opentracing.TextMap, opentracing.HTTPHeaders, opentracing.Binary:
			return opentracing.ErrInvalidCarrier
		}
	}
	switch format {
	case opentracing.TextMap, opentracing.HTTPHeaders:
		w, ok := carrier.(opentracing.TextMapWriter)
		if !ok {
			return opentracing.ErrInvalidCarrier
		}
		w.Set(keyTrace, strconv.FormatUint(c.traceID, 16))
		w.Set(keySpan, strconv.FormatUint(c.spanID, 16))
		if !t.broken.dropSampled {
			w.Set(keySamp, strconv.FormatBool(!c.notSampled))
		}
		for k, v := range c.baggage {
			if !t.broken.rawHeaderValues {
				v = url.QueryEscape(v)
			}
			w.Set(keyPrefix+url.QueryEscape(k), v)
		}
		return nil
	case opentracing.Binary:
		w, ok := carrier.(io.Writer)
		if !ok {
			return opentracing.ErrInvalidCarrier
		}
		var b []byte
		b = append(b, magic...)
		b = binary.BigEndian.AppendUint64(b, c.traceID)
		b = binary.BigEndian.AppendUint64(b, c.spanID)
		var flags byte
		if !c.notSampled || t.broken.dropSampled {
			flags = 1
		}
		b = append(b, flags)
		b = binary.BigEndian.AppendUint32(b, uint32(len(c.baggage)))
		for k, v := range c.baggage {
			b = binary.BigEndian.AppendUint32(b, uint32(len(k)))
			b = append(b, k...)
			b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
			b = append(b, v...)
		}
		_, err := w.Write(b)
		return err
	default:
		return opentracing.ErrUnsupportedFormat
	}
}

func (t *refTracer) Extract(format any, carrier any) (opentracing.SpanContext, error) {
	var c *refContext
	var err error
	if t.nilCarrier(carrier, false) {
		switch format {
		case opentracing.TextMap, opentracing.HTTPHeaders, opentracing.Binary:
			return nil, opentracing.ErrInvalidCarrier
		}
	}
	switch format {
	case opentracing.TextMap, opentracing.HTTPHeaders:
		r, ok := carrier.(opentracing.TextMapReader)
		if !ok {
			return nil, t.invalidCarrier()
		}
		c, err = t.extractText(r, format == opentracing.HTTPHeaders)
	case opentracing.Binary:
		r, ok := carrier.(io.Reader)
		if !ok {
			return nil, t.invalidCarrier()
		}
		c, err = extractBinary(r)
	default:
		return nil, opentracing.ErrUnsupportedFormat
	}
	if err != nil && !t.broken.halfMadeContext {
		return nil, err
	}
	return c, err
}

// invalidCarrier is Extract's error for a carrier of the wrong type.
func (t *refTracer) invalidCarrier() error {
	if t.broken.wrongCarrierAbsent {
		return opentracing.ErrSpanContextNotFound
	}
	return opentracing.ErrInvalidCarrier
}

func (t *refTracer) extractText(r opentracing.TextMapReader, http bool) (*refContext, error) {
	c := &refContext{}
	var found, bad int
	err := r.ForeachKey(func(key, val string) error {
		if http && !t.broken.caseSensitiveHTTP {
			key = strings.ToLower(key)
		}
		switch {
		case key == keyTrace || key == keySpan:
			found++
			n, err := strconv.ParseUint(val, 16, 64)
			if err != nil {
				bad++
				return nil
			}
			if key == keyTrace {
				c.traceID = n
			} else {
				c.spanID = n
			}
		case key == keySamp:
			b, err := strconv.ParseBool(val)
			if err != nil {
				bad++
			}
			c.notSampled = !b
		case strings.HasPrefix(key, keyPrefix):
			k, err1 := url.QueryUnescape(key[len(keyPrefix):])
			v, err2 := url.QueryUnescape(val)
			if err := errors.Join(err1, err2); err != nil {
				return fmt.Errorf("%w: baggage %q: %w", opentracing.ErrSpanContextCorrupted, key, err)
			}
			if c.baggage == nil {
				c.baggage = map[string]string{}
			}
			c.baggage[k] = v
		}
		return nil
	})
	switch {
	case err != nil:
		return c, err
	case bad > 0 && t.broken.notFoundOnCorrupt:
		return c, opentracing.ErrSpanContextNotFound
	case bad > 0 || found == 1:
		return c, opentracing.ErrSpanContextCorrupted
	case found == 0:
		return c, opentracing.ErrSpanContextNotFound
	}
	return c, nil
}

func extractBinary(r io.Reader) (*refContext, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, opentracing.ErrSpanContextNotFound
	}
	c := &refContext{}
	corrupt := fmt.Errorf("%w: %d bytes", opentracing.ErrSpanContextCorrupted, len(b))
	if !bytes.HasPrefix(b, []byte(magic)) || len(b) < len(magic)+21 || b[len(magic)+16] > 1 {
		return c, corrupt
	}
	b = b[len(magic):]
	c.traceID = binary.BigEndian.Uint64(b)
	c.spanID = binary.BigEndian.Uint64(b[8:])
	c.notSampled = b[16] == 0
	n := binary.BigEndian.Uint32(b[17:])
	b = b[21:]
	next := func() (string, bool) {
		if len(b) < 4 || uint32(len(b)-4) < binary.BigEndian.Uint32(b) {
			return "", false
		}
		l := binary.BigEndian.Uint32(b)
		s := string(b[4 : 4+l])
		b = b[4+l:]
		return s, true
	}
	for range n {
		k, ok1 := next()
		v, ok2 := next()
		if !ok1 || !ok2 {
			return c, corrupt
		}
		if c.baggage == nil {
			c.baggage = map[string]string{}
		}
		c.baggage[k] = v
	}
	if len(b) != 0 {
		return c, corrupt
	}
	return c, nil
}

// refProbe is the Probe of refTracer: a few lines that compare ids, as a
// real tracer's would.
type refProbe struct{}

var (
	_ harness.Probe          = refProbe{}
	_ harness.ReferenceProbe = refProbe{}
)

func (refProbe) SameTrace(a, b opentracing.Span) bool {
	return a.(*refSpan).context().traceID == b.(*refSpan).context().traceID
}

func (refProbe) SameSpanContext(s opentracing.Span, sc opentracing.SpanContext) bool {
	c, ok := sc.(*refContext)
	want := s.(*refSpan).context()
	return ok && c.traceID == want.traceID && c.spanID == want.spanID
}

func (refProbe) IsParent(parent, child opentracing.Span) bool {
	if parent == nil {
		return child.(*refSpan).parentID == 0
	}
	return child.(*refSpan).parentID == parent.(*refSpan).context().spanID
}

func (refProbe) FinishCount(s opentracing.Span) int {
	sp := s.(*refSpan)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.finishes
}

func (refProbe) ReferenceTypes(s opentracing.Span) []opentracing.SpanReferenceType {
	return slices.Clone(s.(*refSpan).refTypes)
}

var (
	_ harness.TimeProbe          = refProbe{}
	_ harness.OperationNameProbe = refProbe{}
	_ harness.TagProbe           = refProbe{}
	_ harness.LogProbe           = refProbe{}
	_ harness.SamplingProbe      = refProbe{}
	_ harness.IDProbe            = refProbe{}
)

// locked runs f on s's fields under its lock.
func locked[T any](s opentracing.Span, f func(*refSpan) T) T {
	sp := s.(*refSpan)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return f(sp)
}

func (refProbe) StartTime(s opentracing.Span) time.Time {
	return locked(s, func(sp *refSpan) time.Time { return sp.start })
}
func (refProbe) FinishTime(s opentracing.Span) time.Time {
	return locked(s, func(sp *refSpan) time.Time { return sp.finish })
}
func (refProbe) OperationName(s opentracing.Span) string {
	return locked(s, func(sp *refSpan) string { return sp.name })
}
func (refProbe) Tags(s opentracing.Span) map[string]any {
	return locked(s, func(sp *refSpan) map[string]any { return maps.Clone(sp.tags) })
}
func (refProbe) Logs(s opentracing.Span) []opentracing.LogRecord {
	return locked(s, func(sp *refSpan) []opentracing.LogRecord { return slices.Clone(sp.logs) })
}
func (refProbe) Sampled(sc opentracing.SpanContext) bool { return !sc.(*refContext).notSampled }
func (refProbe) IDs(sc opentracing.SpanContext) (string, string) {
	c := sc.(*refContext)
	return strconv.FormatUint(c.traceID, 10), strconv.FormatUint(c.spanID, 10)
}
