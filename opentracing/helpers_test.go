package opentracing_test

import (
	"sync"

	"github.com/tracebed/tracebed/opentracing"
)

// stackManager is a minimal ScopeManager for tests: one stack, closes in
// LIFO order, out-of-order closes ignored.
type stackManager struct {
	mu    sync.Mutex // guards stack
	stack []*stackScope
}

type stackScope struct {
	m      *stackManager
	span   opentracing.Span
	finish bool
}

func (m *stackManager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	s := &stackScope{m: m, span: span, finish: finishOnClose}
	m.mu.Lock()
	m.stack = append(m.stack, s)
	m.mu.Unlock()
	return s
}

func (m *stackManager) Active() opentracing.Scope {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

func (s *stackScope) Span() opentracing.Span            { return s.span }
func (s *stackScope) Manager() opentracing.ScopeManager { return s.m }
func (s *stackScope) Close() {
	s.m.mu.Lock()
	top := len(s.m.stack) > 0 && s.m.stack[len(s.m.stack)-1] == s
	if top {
		s.m.stack = s.m.stack[:len(s.m.stack)-1]
	}
	s.m.mu.Unlock()
	if top && s.finish {
		s.span.Finish()
	}
}

// recTracer is a NoopTracer that records the options of every StartSpan,
// resolved with its ScopeManager, and returns named spans.
type recTracer struct {
	opentracing.NoopTracer
	sm *stackManager

	mu      sync.Mutex // guards started
	started []opentracing.StartSpanOptions
}

func newRecTracer() *recTracer { return &recTracer{sm: &stackManager{}} }

// recSpan is a no-op span with a name and its own context, so tests can
// tell spans apart.
type recSpan struct {
	opentracing.Span
	tracer *recTracer
	ctx    *recContext
}

type recContext struct{ name string }

func (*recContext) ForeachBaggageItem(func(k, v string) bool) {}

func (s *recSpan) Context() opentracing.SpanContext { return s.ctx }
func (s *recSpan) Tracer() opentracing.Tracer       { return s.tracer }

func (t *recTracer) StartSpan(name string, opts ...opentracing.StartSpanOption) opentracing.Span {
	o := opentracing.NewStartSpanOptions(t.sm, opts...)
	t.mu.Lock()
	t.started = append(t.started, o)
	t.mu.Unlock()
	return &recSpan{Span: opentracing.NoopTracer{}.StartSpan(name), tracer: t, ctx: &recContext{name}}
}

func (t *recTracer) ScopeManager() opentracing.ScopeManager { return t.sm }

func (t *recTracer) last() opentracing.StartSpanOptions {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.started[len(t.started)-1]
}
