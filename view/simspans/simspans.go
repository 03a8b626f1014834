// Package simspans draws the spans of a MockTracer into the lanes of a sim
// run: each span becomes an interval of the run's trace ([sim.Sim.Begin],
// [sim.Sim.End]) that opens in the lane of the task that started it and
// closes in the lane of the task that finished it, and each scope
// activation an interval of the task that holds it. The text timeline
// ([sim.Trace.Timeline]), the Chrome trace and the renderers of package
// view then show them, for a run written on sim directly as for a testbed
// scenario.
//
//	sim.Run(func(s *sim.Sim) {
//		obs := simspans.New(s)
//		tr := mocktracer.New(obs.TracerOptions(scope.NewTaskLocal(s))...)
//		...
//	})
package simspans

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
)

// scopeBit marks the interval ids of scope activations, so that they never
// collide with span ids, which MockTracer's default id source counts up
// from 1.
const scopeBit = 1 << 63

// scopePrefix starts the label of a scope activation's interval; the span
// id follows it.
const scopePrefix = "scope #"

// Observer is a [mocktracer.Observer] that records spans as intervals of a
// sim run. Make it with [New] inside the run; it is for that run only.
type Observer struct {
	s      *sim.Sim
	label  func(*mocktracer.MockSpan) string
	scopes uint64 // scope activations recorded so far
}

var _ mocktracer.Observer = (*Observer)(nil)

// Option configures an [Observer].
type Option func(*Observer)

// WithLabel sets how a span's interval is labelled in the timeline; the
// default is "span #ID operation".
func WithLabel(label func(*mocktracer.MockSpan) string) Option {
	return func(o *Observer) { o.label = label }
}

// New returns an observer recording into s's trace.
func New(s *sim.Sim, opts ...Option) *Observer {
	o := &Observer{s: s, label: defaultLabel}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

func defaultLabel(sp *mocktracer.MockSpan) string {
	return fmt.Sprintf("span #%d %s", sp.SpanID(), sp.OperationName())
}

// SpanStarted opens the span's interval, id the span id, in the current
// task's lane.
func (o *Observer) SpanStarted(sp *mocktracer.MockSpan) { o.s.Begin(sp.SpanID(), o.label(sp)) }

// SpanFinished closes the span's interval in the current task's lane.
func (o *Observer) SpanFinished(sp *mocktracer.MockSpan) { o.s.End(sp.SpanID()) }

// TracerOptions are the MockTracer options of a run observed by o: the
// run's virtual clock, o as observer, and m (if not nil) as scope
// manager, wrapped by [Observer.Manager].
func (o *Observer) TracerOptions(m opentracing.ScopeManager) []mocktracer.Option {
	opts := []mocktracer.Option{mocktracer.WithClock(o.s.Now), mocktracer.WithObserver(o)}
	if m != nil {
		opts = append(opts, mocktracer.WithScopeManager(o.Manager(m)))
	}
	return opts
}

// Manager wraps m so that each activation is recorded as an interval of
// the activating task, from Activate to the first Close. The wrapper keeps
// m's behaviour: its scopes report the wrapper as their Manager, and
// Active returns the same scope value Activate returned.
func (o *Observer) Manager(m opentracing.ScopeManager) opentracing.ScopeManager {
	return &manager{o: o, m: m, wrapped: make(map[opentracing.Scope]*recordedScope)}
}

// ScopeInterval reports whether the interval with this id and label
// records a scope activation, and if so of which span.
func ScopeInterval(id uint64, label string) (spanID uint64, ok bool) {
	if id&scopeBit == 0 || !strings.HasPrefix(label, scopePrefix) {
		return 0, false
	}
	num, _, _ := strings.Cut(label[len(scopePrefix):], " ")
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil
}

type manager struct {
	o       *Observer
	m       opentracing.ScopeManager
	wrapped map[opentracing.Scope]*recordedScope // inner scope -> its wrapper
}

func (m *manager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	inner := m.m.Activate(span, finishOnClose)
	m.o.scopes++
	rs := &recordedScope{Scope: inner, m: m, id: scopeBit | m.o.scopes}
	m.wrapped[inner] = rs
	label := scopePrefix + "?"
	if sp, ok := span.(*mocktracer.MockSpan); ok {
		label = fmt.Sprintf("%s%d %s", scopePrefix, sp.SpanID(), sp.OperationName())
	}
	m.o.s.Begin(rs.id, label)
	return rs
}

func (m *manager) Active() opentracing.Scope {
	inner := m.m.Active()
	if inner == nil {
		return nil
	}
	if rs, ok := m.wrapped[inner]; ok {
		return rs
	}
	return inner // activated on m directly, not through the wrapper
}

type recordedScope struct {
	opentracing.Scope
	m      *manager
	id     uint64
	closed bool
}

func (s *recordedScope) Manager() opentracing.ScopeManager { return s.m }

func (s *recordedScope) Close() {
	// The interval ends before a finishOnClose span does, as the
	// activation does.
	if !s.closed {
		s.closed = true
		s.m.o.s.End(s.id)
	}
	s.Scope.Close()
}
