// Package simrapid runs [sim] scenarios under rapid (pgregory.net/rapid),
// so that a failing schedule shrinks to a minimal one.
//
// Every decision of a run is drawn from rapid by [Strategy]. rapid's
// shrinker lowers draws towards 0, which for a task decision means "keep
// running the current task", so a failing schedule shrinks towards fewer
// preemptions and fewer decisions; [Check] then finishes the job with
// [sim.Shrink] and prints the schedule that replays it:
//
//	func TestCounter(t *testing.T) {
//		simrapid.Check(t, counterScenario)
//	}
//
// It is a package of its own so that sim (and the scope managers built on
// it) do not pull rapid, and the -rapid.* flags it registers when it
// loads, into programs that only schedule tasks.
package simrapid

import (
	"errors"
	"fmt"

	"github.com/tracebed/tracebed/sim"
	"pgregory.net/rapid"
)

// Strategy returns a sim.Strategy that draws every decision from t. Use it
// inside rapid.Check, or through [Check].
func Strategy(t *rapid.T) sim.Strategy { return &strategy{t: t} }

type strategy struct{ t *rapid.T }

func (r *strategy) Name() string { return "rapid" }

func (r *strategy) Choose(d *sim.Decision) int {
	return rapid.IntRange(0, d.N-1).Draw(r.t, d.Kind.String())
}

// Check runs root under rapid: each rapid test case is a run whose
// decisions rapid draws, and a failing run is shrunk to a minimal
// schedule, which is printed with the failure as the sim.ReplayPrefix
// argument that reproduces it. rapid's own flags (-rapid.checks,
// -rapid.seed, -rapid.failfile) apply.
func Check(t rapid.TB, root func(s *sim.Sim), opts ...sim.Option) {
	t.Helper()
	rapid.Check(t, func(rt *rapid.T) {
		res, err := sim.Run(root, append(opts[:len(opts):len(opts)], sim.WithStrategy(Strategy(rt)))...)
		var f *sim.Failure
		if !errors.As(err, &f) {
			return
		}
		msg := fmt.Sprintf("%v: %s (%d decisions, %d preemptions)", f.Err, f.Message, res.Decisions, res.Preemptions)
		if !t.Failed() {
			// rapid is still searching or shrinking: the run only has to
			// fail, cheaply. rapid marks t failed before it runs its
			// minimal case a last time, to show it; that run shrinks.
			rt.Fatalf("%s", msg)
		}
		// The report (every task, stacks and all) is logged, so that the
		// failure rapid prints stays one line. rapid's shrinking can stop
		// in a local minimum; Shrink finishes the job. The text names only
		// what reproduces the failure here: rapid's own flags (which rapid
		// prints) and the schedule, for sim.ReplayPrefix.
		rt.Logf("%s", f.Report)
		r := sim.ShrinkReport(root, res.Schedule, opts...)
		if r.Failure == nil { // the schedule failed once and not again: nondeterminism
			rt.Fatalf("%s; it does not fail when replayed: the scenario escapes the scheduler", msg)
		}
		if len(r.Schedule) > sim.MaxPrintedSchedule {
			rt.Fatalf("%s; shrunk further to %s, with a schedule of %d bytes, too long to print", msg, r, len(r.Schedule))
		}
		rt.Fatalf("%s; shrunk further to %s: sim.ReplayPrefix(%q)", msg, r, r.Schedule)
	})
}
