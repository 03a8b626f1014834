package scopetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/log"
)

// tracer is the harness's own tiny Tracer: it numbers spans, counts their
// Finish calls and records misuse, so that the harness depends on no tracer
// implementation.
type tracer struct {
	sm opentracing.ScopeManager

	mu      sync.Mutex
	nextID  int                  // guarded by mu
	misuses []opentracing.Misuse // guarded by mu
}

var (
	_ opentracing.Tracer         = (*tracer)(nil)
	_ opentracing.MisuseReporter = (*tracer)(nil)
	_ opentracing.Span           = (*span)(nil)
)

func newTracer(sm opentracing.ScopeManager) *tracer { return &tracer{sm: sm} }

// start starts a span whose implicit parent is resolved with sm, the
// manager of the task that starts it.
func (t *tracer) start(name string, sm opentracing.ScopeManager, opts ...opentracing.StartSpanOption) *span {
	o := opentracing.NewStartSpanOptions(sm, opts...)
	t.mu.Lock()
	t.nextID++
	s := &span{tracer: t, id: t.nextID, name: name}
	t.mu.Unlock()
	if len(o.References) > 0 {
		if sc, ok := o.References[0].ReferencedContext.(spanContext); ok {
			s.parent = sc.id
		}
	}
	return s
}

func (t *tracer) StartSpan(name string, opts ...opentracing.StartSpanOption) opentracing.Span {
	return t.start(name, t.sm, opts...)
}

func (t *tracer) StartActiveSpan(name string, opts ...opentracing.StartSpanOption) opentracing.Scope {
	o := opentracing.NewStartSpanOptions(nil, opts...)
	return t.sm.Activate(t.start(name, t.sm, opts...), !o.KeepOpenOnClose)
}

func (t *tracer) ScopeManager() opentracing.ScopeManager { return t.sm }

func (t *tracer) ActiveSpan() opentracing.Span {
	if sc := t.sm.Active(); sc != nil {
		return sc.Span()
	}
	return nil
}

func (t *tracer) Inject(opentracing.SpanContext, any, any) error {
	return opentracing.ErrUnsupportedFormat
}

func (t *tracer) Extract(any, any) (opentracing.SpanContext, error) {
	return nil, opentracing.ErrUnsupportedFormat
}

func (t *tracer) ReportMisuse(m opentracing.Misuse) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.misuses = append(t.misuses, m)
}

// misuseKinds returns the kinds of the misuse reported so far.
func (t *tracer) misuseKinds() []opentracing.MisuseKind {
	t.mu.Lock()
	defer t.mu.Unlock()
	kinds := make([]opentracing.MisuseKind, len(t.misuses))
	for i, m := range t.misuses {
		kinds[i] = m.Kind
	}
	return kinds
}

type spanContext struct{ id int }

func (spanContext) ForeachBaggageItem(func(k, v string) bool) {}

// span counts Finish calls; everything else is a no-op.
type span struct {
	tracer   *tracer
	id       int
	name     string
	parent   int // id of the CHILD_OF parent, 0 for none
	finishes atomic.Int32
}

func (s *span) String() string {
	if s == nil {
		return "<nil>"
	}
	return fmt.Sprintf("span %d", s.id)
}

func (s *span) OperationName() string                          { return s.name }
func (s *span) Finish()                                        { s.finishes.Add(1) }
func (s *span) FinishWithOptions(opentracing.FinishOptions)    { s.finishes.Add(1) }
func (s *span) Context() opentracing.SpanContext               { return spanContext{s.id} }
func (s *span) SetOperationName(string) opentracing.Span       { return s }
func (s *span) SetTag(string, any) opentracing.Span            { return s }
func (s *span) LogFields(...log.Field)                         {}
func (s *span) LogKV(...any)                                   {}
func (s *span) LogFieldsAt(time.Time, ...log.Field)            {}
func (s *span) SetBaggageItem(string, string) opentracing.Span { return s }
func (s *span) BaggageItem(string) string                      { return "" }
func (s *span) Tracer() opentracing.Tracer                     { return s.tracer }
func (s *span) LogEvent(string)                                {}
func (s *span) LogEventWithPayload(string, any)                {}

//lint:ignore SA1019 the Span interface still has the deprecated Log.
func (s *span) Log(opentracing.LogData) {}
