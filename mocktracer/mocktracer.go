package mocktracer

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
)

// MockTracer is an opentracing.Tracer that records spans and misuse in
// memory. Make one with New. It is safe for concurrent use. Its active
// span is tracked per goroutine by a [scope.GoroutineLocal] unless
// WithScopeManager plugs in another manager.
type MockTracer struct {
	scopeManager opentracing.ScopeManager
	now          func() time.Time

	// nextID is the user's id source (WithIDSource), nil for the default
	// counter; it is called under idMu.
	nextID  func() uint64
	idMu    sync.Mutex
	counter atomic.Uint64 // the default id source

	// mu guards started, finished, finishedBase, open, misuses and the
	// recorded flag of every span.
	mu       sync.Mutex
	started  []*MockSpan
	finished []*MockSpan
	// finishedBase is the finish sequence number of finished[0]: the
	// number of spans finished before it, Resets included. It only grows,
	// so FinishedSince's cursors stay valid across Reset.
	finishedBase uint64
	open         int // spans in started not yet in finished
	misuses      []opentracing.Misuse

	// observers are set by New and never changed.
	observers []Observer

	// propMu guards propagators.
	propMu      sync.RWMutex
	propagators map[any]Propagator
}

var (
	_ opentracing.Tracer         = (*MockTracer)(nil)
	_ opentracing.MisuseReporter = (*MockTracer)(nil)
)

// New returns a MockTracer with the TextMap, HTTPHeaders and Binary
// propagators registered and, without WithScopeManager, a fresh
// [scope.GoroutineLocal] as its ScopeManager.
func New(opts ...Option) *MockTracer {
	t := &MockTracer{
		now: monotonicClock(),
		propagators: map[any]Propagator{
			opentracing.TextMap:     textMapPropagator{},
			opentracing.HTTPHeaders: httpHeadersPropagator{},
			opentracing.Binary:      binaryPropagator{},
		},
	}
	for _, o := range opts {
		if o != nil {
			o.apply(t)
		}
	}
	if t.scopeManager == nil {
		t.scopeManager = scope.NewGoroutineLocal()
	}
	return t
}

// monotonicClock returns the default clock: wall time as time.Now gives
// it at the tracer's creation, advanced by the monotonic clock since. A
// reading costs one monotonic clock read where time.Now makes two (wall
// and monotonic), and a span takes two readings; on a virtual machine a
// clock read is tens of nanoseconds, a large part of a mock span's cost.
// Durations between readings are exact, and the times carry a monotonic
// reading as time.Now's do.
func monotonicClock() func() time.Time {
	epoch := time.Now()
	return func() time.Time { return epoch.Add(time.Since(epoch)) }
}

// newID returns the next non-zero span id.
func (t *MockTracer) newID() uint64 {
	if t.nextID == nil {
		return t.counter.Add(1)
	}
	t.idMu.Lock()
	defer t.idMu.Unlock()
	for range 3 {
		if id := t.nextID(); id != 0 {
			return id
		}
	}
	panic("mocktracer: the id source returned 0 three times in a row")
}

// StartSpan implements opentracing.Tracer. The active span of the tracer's
// ScopeManager is the implicit parent (see opentracing.NewStartSpanOptions).
// The span's parent is the first reference to a MockSpanContext: the span
// inherits its trace id and a copy of its baggage. References to other
// SpanContext types are kept in References but otherwise ignored.
func (t *MockTracer) StartSpan(operationName string, opts ...opentracing.StartSpanOption) opentracing.Span {
	sso := t.startOptions(opts)
	return t.start(operationName, &sso)
}

// startOptions is opentracing.NewStartSpanOptions(t.scopeManager, opts...).
// Without options it computes the same result itself: NewStartSpanOptions
// passes its options struct to Apply through an interface, which moves it
// to the heap, and a root span without options is the hot path of most
// benchmarks. The only rule that applies then is the implicit parent.
func (t *MockTracer) startOptions(opts []opentracing.StartSpanOption) opentracing.StartSpanOptions {
	if len(opts) > 0 {
		return opentracing.NewStartSpanOptions(t.scopeManager, opts...)
	}
	var o opentracing.StartSpanOptions
	if sc := t.scopeManager.Active(); sc != nil {
		if sp := sc.Span(); sp != nil {
			if ctx := sp.Context(); ctx != nil {
				o.References = []opentracing.SpanReference{opentracing.ChildOf(ctx)}
			}
		}
	}
	return o
}

// StartActiveSpan implements opentracing.Tracer: it starts a span as
// StartSpan does and activates it, finishing it on Close unless
// FinishOnClose(false) is given.
func (t *MockTracer) StartActiveSpan(operationName string, opts ...opentracing.StartSpanOption) opentracing.Scope {
	sso := t.startOptions(opts)
	sp := t.start(operationName, &sso)
	return t.scopeManager.Activate(sp, !sso.KeepOpenOnClose)
}

func (t *MockTracer) start(operationName string, sso *opentracing.StartSpanOptions) *MockSpan {
	startTime := sso.StartTime
	if startTime.IsZero() {
		startTime = t.now()
	}
	s := &MockSpan{
		tracer:        t,
		operationName: operationName,
		refs:          sso.References,
		startTime:     startTime,
	}
	s.ctx.SpanID = t.newID()
	s.ctx.Sampled = true
	if parent, ok := firstMockRef(sso.References); ok {
		s.ctx.TraceID = parent.TraceID
		s.ctx.Sampled = parent.Sampled
		s.parentID = parent.SpanID
		if len(parent.Baggage) > 0 {
			s.ctx.Baggage = cloneMap(parent.Baggage)
		}
	} else {
		s.ctx.TraceID = s.ctx.SpanID
	}
	if len(sso.Tags) > 0 {
		s.tags = sso.Tags // owned by sso, which the caller never sees
		if v, ok := s.tags[samplingPriority]; ok {
			s.applySamplingPriority(v)
		}
	}
	t.mu.Lock()
	t.started = append(t.started, s)
	t.open++
	t.mu.Unlock()
	for _, o := range t.observers {
		o.SpanStarted(s)
	}
	return s
}

// firstMockRef returns the context of the first reference to a
// MockSpanContext.
func firstMockRef(refs []opentracing.SpanReference) (MockSpanContext, bool) {
	for _, r := range refs {
		switch c := r.ReferencedContext.(type) {
		case MockSpanContext:
			return c, true
		case *MockSpanContext:
			if c != nil {
				return *c, true
			}
		}
	}
	return MockSpanContext{}, false
}

func cloneMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// ScopeManager implements opentracing.Tracer.
func (t *MockTracer) ScopeManager() opentracing.ScopeManager { return t.scopeManager }

// ActiveSpan implements opentracing.Tracer: the span of the active Scope,
// or nil.
func (t *MockTracer) ActiveSpan() opentracing.Span {
	sc := t.scopeManager.Active()
	if sc == nil {
		return nil
	}
	return sc.Span()
}

// recordFinished appends s to the finished list and tells the observers.
// s.recorded is set under the same lock, so that Reset, which decides
// under it which started spans to keep, sees s either not yet finished
// (kept in started, then added to finished) or recorded (dropped from
// both): never in one list only.
func (t *MockTracer) recordFinished(s *MockSpan) {
	t.mu.Lock()
	t.finished = append(t.finished, s)
	s.recorded = true
	t.open--
	t.mu.Unlock()
	for _, o := range t.observers {
		o.SpanFinished(s)
	}
}

// FinishedSpans returns a copy of the list of finished spans, in finish
// order. A span finished twice appears once.
func (t *MockTracer) FinishedSpans() []*MockSpan {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.finished)
}

// FinishedSince returns the spans finished after the first cursor spans
// the tracer ever finished, in finish order, and the cursor to pass next
// time: a test that polls FinishedSince(cursor) reads each span once and
// copies only what is new, where FinishedSpans copies the whole list
// every time. Start with cursor 0. Cursors count every span finished
// since New, so they stay valid across Reset; the spans a Reset forgot
// before they were read are skipped (the next cursor still counts them).
// Any number of readers may keep cursors of their own.
func (t *MockTracer) FinishedSince(cursor uint64) (spans []*MockSpan, next uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	end := t.finishedBase + uint64(len(t.finished))
	if cursor >= end {
		return nil, end
	}
	from := uint64(0)
	if cursor > t.finishedBase {
		from = cursor - t.finishedBase
	}
	return slices.Clone(t.finished[from:]), end
}

// StartedSpans returns a copy of the list of spans started since New or
// the last Reset (plus those open at that Reset), in start order.
func (t *MockTracer) StartedSpans() []*MockSpan {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.started)
}

// Reset forgets the finished spans and the recorded misuse. Spans still
// open stay in StartedSpans and are added to FinishedSpans when they
// finish. A span whose Finish races with Reset ends up either in both
// lists or in neither.
func (t *MockTracer) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := t.started[:0]
	if t.open > 0 {
		for _, s := range t.started {
			// s.recorded, not s.Finished(): a span whose Finish has begun
			// but is not yet in t.finished must stay started, since it is
			// about to be finished.
			if !s.recorded {
				keep = append(keep, s)
			}
		}
	}
	clear(t.started[len(keep):])
	t.started = reuse(keep)
	t.finishedBase += uint64(len(t.finished))
	clear(t.finished)
	t.finished = reuse(t.finished[:0])
	t.misuses = nil
}

// maxReusedCap bounds the capacity Reset keeps for the span lists: reusing
// them saves regrowing them after every Reset in long tests, without
// holding on to a huge array forever.
const maxReusedCap = 1 << 14

// reuse returns s, or nil if its backing array is too large to keep.
// The lists are never shared (the accessors return copies), so their
// arrays can be reused.
func reuse(s []*MockSpan) []*MockSpan {
	if cap(s) > maxReusedCap && len(s) == 0 {
		return nil
	}
	return s
}

// Misuses returns a copy of the recorded misuse, in the order it was
// reported.
func (t *MockTracer) Misuses() []opentracing.Misuse {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.misuses)
}

// ReportMisuse implements opentracing.MisuseReporter: it records m.
func (t *MockTracer) ReportMisuse(m opentracing.Misuse) {
	t.mu.Lock()
	t.misuses = append(t.misuses, m)
	t.mu.Unlock()
}

// RegisterPropagator makes p handle format in Inject and Extract,
// replacing any propagator registered for it (the built-in ones too).
// format must be comparable; RegisterPropagator panics otherwise, or if p
// is nil, since both are programming errors.
func (t *MockTracer) RegisterPropagator(format any, p Propagator) {
	if p == nil {
		panic("mocktracer: RegisterPropagator with a nil Propagator")
	}
	if format == nil || !reflect.ValueOf(format).Comparable() {
		panic(fmt.Sprintf("mocktracer: RegisterPropagator with a non-comparable format %T", format))
	}
	t.propMu.Lock()
	defer t.propMu.Unlock()
	t.propagators[format] = p
}

// propagator returns the propagator of format, or nil.
func (t *MockTracer) propagator(format any) Propagator {
	if _, ok := format.(opentracing.BuiltinFormat); !ok {
		// A non-comparable key would make the map lookup panic.
		if format == nil || !reflect.ValueOf(format).Comparable() {
			return nil
		}
	}
	t.propMu.RLock()
	p := t.propagators[format]
	t.propMu.RUnlock()
	return p
}

// Inject implements opentracing.Tracer. sc must be a MockSpanContext (or a
// non-nil *MockSpanContext); anything else gives
// opentracing.ErrInvalidSpanContext.
func (t *MockTracer) Inject(sc opentracing.SpanContext, format any, carrier any) error {
	var msc MockSpanContext
	switch c := sc.(type) {
	case MockSpanContext:
		msc = c
	case *MockSpanContext:
		if c == nil {
			return opentracing.ErrInvalidSpanContext
		}
		msc = *c
	default:
		return opentracing.ErrInvalidSpanContext
	}
	p := t.propagator(format)
	if p == nil {
		return opentracing.ErrUnsupportedFormat
	}
	return p.Inject(msc, carrier)
}

// Extract implements opentracing.Tracer. On error the SpanContext is nil;
// on success it is a MockSpanContext. Extract never panics: a panic of the
// carrier's methods (or of a registered Propagator) gives
// opentracing.ErrInvalidCarrier.
func (t *MockTracer) Extract(format any, carrier any) (opentracing.SpanContext, error) {
	p := t.propagator(format)
	if p == nil {
		return nil, opentracing.ErrUnsupportedFormat
	}
	msc, err := extractSafely(p, carrier)
	if err != nil {
		return nil, err
	}
	return msc, nil
}
