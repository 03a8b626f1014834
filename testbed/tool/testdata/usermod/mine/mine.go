// Package mine is a user's own tracing scenario, written outside tracebed
// against its runtime, with a failure planted in it: the request span is
// finished without waiting for the worker's child span, so on the
// schedules where the worker ends last its span outlives its parent.
package mine

import (
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// Scenario is the user's scenario: a request handed to a worker task.
var Scenario = env.Scenario{
	Name:      "mine",
	Summary:   "a request span with a worker's child span (planted bug: the request does not wait for the worker)",
	Platforms: []env.Platform{env.Tasks},
	Run: func(e env.Env) error {
		tr := e.Tracer()
		req := tr.StartSpan("request")
		e.Go("worker", func() {
			work := tr.StartSpan("work", opentracing.ChildOf(req.Context()))
			e.Yield()
			work.Finish()
		})
		e.Yield()
		req.Finish() // the planted bug: the worker may not be done
		return nil
	},
	Check: func(e env.Env) error {
		return check.ParentLast(e.Recorder().FinishedRecords())
	},
}
