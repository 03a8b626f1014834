package env

import (
	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/view/simspans"
)

// spanNotes is the MockTracer observer of a sim run (package simspans): it
// records every span as a sim interval that opens and closes in the lane of
// the task that started and finished it, so that a replay's timeline, its
// Chrome trace and its pictures show the spans of every scenario without the
// scenario logging them.
func spanNotes(s *sim.Sim) *simspans.Observer {
	return simspans.New(s, simspans.WithLabel(func(sp *mocktracer.MockSpan) string { return "span " + check.Describe(sp.Record()) }))
}
