package env

import (
	"errors"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// TracerFunc makes the tracer of one run, from what the runtime gives it
// (c), and the recorder that reports that tracer's spans to the checks:
// the seam through which a tracer under evaluation, a wrapper tracer or a
// real tracer behind an adapter runs the whole testbed (Config.Tracer).
type TracerFunc func(c TracerConfig) (opentracing.Tracer, check.Recorder)

// TracerConfig is what the runtime gives the tracer of one run.
type TracerConfig struct {
	// ScopeManager is the run's scope manager (the platform's, or
	// Config.Manager's): the tracer must use it, since the runner checks
	// the scopes left active through it.
	ScopeManager opentracing.ScopeManager
	// Now is the runtime's clock: virtual under sim.
	Now func() time.Time
	// Sim is the run's simulation, nil on real goroutines.
	Sim *sim.Sim

	trace bool // the run records a trace: draw the spans in it
}

// MockTracer makes the run's default tracer: a MockTracer on the run's
// scope manager and clock that, under sim, draws its spans into the run's
// timeline, with opts added. A TracerFunc that wraps a MockTracer starts
// from this one.
func (c TracerConfig) MockTracer(opts ...mocktracer.Option) *mocktracer.MockTracer {
	base := []mocktracer.Option{mocktracer.WithScopeManager(c.ScopeManager)}
	if c.Now != nil {
		base = append(base, mocktracer.WithClock(c.Now))
	}
	if c.Sim != nil && c.trace {
		base = append(base, mocktracer.WithObserver(spanNotes{c.Sim}))
	}
	return mocktracer.New(append(base, opts...)...)
}

// ErrBadConfig is returned for a Config whose fields contradict each
// other.
var ErrBadConfig = errors.New("env: bad config")

// newTracer makes the run's tracer as cfg says.
func newTracer(cfg Config, c TracerConfig) (opentracing.Tracer, check.Recorder) {
	if cfg.Tracer != nil {
		return cfg.Tracer(c)
	}
	mt := c.MockTracer(cfg.TracerOptions...)
	return mt, mt
}
