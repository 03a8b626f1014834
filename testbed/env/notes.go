package env

import (
	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// spanNotes is the MockTracer observer of a sim run: it records every
// span as a sim interval (sim.Sim.Begin, End) that opens and closes in the
// lane of the task that started and finished it, so that a replay's
// timeline, and its Chrome trace, show the spans of every scenario without
// the scenario logging them.
type spanNotes struct{ s *sim.Sim }

func (n spanNotes) SpanStarted(sp *mocktracer.MockSpan) {
	n.s.Begin(sp.SpanID(), "span "+check.Describe(sp.Record()))
}

func (n spanNotes) SpanFinished(sp *mocktracer.MockSpan) {
	n.s.End(sp.SpanID())
}
