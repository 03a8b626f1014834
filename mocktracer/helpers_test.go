package mocktracer_test

import (
	"sync"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// epoch is the fixed start of the test clocks.
var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// stepClock returns epoch, epoch+step, epoch+2*step, ... on successive
// calls.
type stepClock struct {
	mu   sync.Mutex // guards next
	next time.Time
	step time.Duration
}

func newStepClock(step time.Duration) *stepClock { return &stepClock{next: epoch, step: step} }

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.next
	c.next = c.next.Add(c.step)
	return t
}

// newTracer returns a MockTracer on a one-second step clock.
func newTracer(opts ...mocktracer.Option) *mocktracer.MockTracer {
	return mocktracer.New(append([]mocktracer.Option{mocktracer.WithClock(newStepClock(time.Second).Now)}, opts...)...)
}

// foreignContext is a SpanContext that MockTracer did not make.
type foreignContext struct{}

func (foreignContext) ForeachBaggageItem(func(k, v string) bool) {}

var _ opentracing.SpanContext = foreignContext{}

func mockSpan(sp opentracing.Span) *mocktracer.MockSpan { return sp.(*mocktracer.MockSpan) }

func mockCtx(sc opentracing.SpanContext) mocktracer.MockSpanContext {
	return sc.(mocktracer.MockSpanContext)
}

func misuseKinds(ms []opentracing.Misuse) []opentracing.MisuseKind {
	var out []opentracing.MisuseKind
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}
