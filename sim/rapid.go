package sim

import (
	"errors"

	"pgregory.net/rapid"
)

// Rapid returns a strategy that draws every decision from t, so that rapid
// can shrink a failing schedule: its shrinker lowers draws towards 0, which
// for task decisions means "keep running the current task", so schedules
// shrink towards fewer preemptions (and fewer decisions). Use it inside
// rapid.Check, or through [CheckRapid].
func Rapid(t *rapid.T) Strategy { return &rapidStrategy{t: t} }

type rapidStrategy struct{ t *rapid.T }

func (r *rapidStrategy) Name() string { return "rapid" }

func (r *rapidStrategy) Choose(d *Decision) int {
	return rapid.IntRange(0, d.N-1).Draw(r.t, d.Kind.String())
}

// CheckRapid runs root under rapid: each rapid test case is a run whose
// decisions rapid draws, and a failing run is shrunk to a minimal schedule,
// which is printed with the failure. rapid's own flags (-rapid.checks,
// -rapid.seed, -rapid.failfile) apply.
func CheckRapid(t rapid.TB, root func(s *Sim), opts ...Option) {
	t.Helper()
	rapid.Check(t, func(rt *rapid.T) {
		res, err := Run(root, append(opts[:len(opts):len(opts)], WithStrategy(Rapid(rt)))...)
		var f *Failure
		if errors.As(err, &f) {
			// The report holds stacks with addresses, which differ between
			// runs; rapid requires the failure message to be the same when
			// it replays, so the report is only logged. rapid's shrinking
			// can stop in a local minimum; Shrink finishes the job.
			rt.Logf("%s", f.Report)
			short, _ := Shrink(root, res.Schedule, opts...)
			rt.Fatalf("%v (%d decisions, %d preemptions); shrunk further: sim.ReplayPrefix(%q)",
				err, res.Decisions, res.Preemptions, short)
		}
	})
}
