package env

import (
	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// spanNotes is the MockTracer observer of a sim run: it notes every span's
// start and finish in the trace, in the lane of the task that did it, so
// that a replay's timeline shows the spans of every scenario opening and
// closing without the scenario logging them.
type spanNotes struct{ s *sim.Sim }

func (n spanNotes) SpanStarted(sp *mocktracer.MockSpan) {
	n.s.Logf("span %s starts", check.Describe(sp))
}

func (n spanNotes) SpanFinished(sp *mocktracer.MockSpan) {
	n.s.Logf("span %q #%d finishes", sp.OperationName(), sp.SpanID())
}
