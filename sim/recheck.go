package sim

import (
	"errors"
	"fmt"
	"slices"
)

// ErrNondeterminism occurs when the same seed (or DFS schedule), run
// twice, makes different decisions or a different trace: the scenario
// escapes the scheduler (map iteration order, time.Now, math/rand, a go
// statement, package state shared between runs), so no failure it shows
// can be trusted to replay. [Explore] and [Check] report it as the
// failure, naming the first event that differs.
var ErrNondeterminism = errors.New("sim: nondeterministic scenario")

// DefaultRechecks is the number of passing seeds [Explore] runs again to
// check that the scenario is deterministic (the failing one always is).
const DefaultRechecks = 4

// recheck runs the failing run and a sample of passing ones again, twice
// each with a trace, and compares them with each other and with the
// original outcome. It returns an ErrNondeterminism failure at the first
// mismatch, nil if every one matched.
func recheck(root func(s *Sim), c exploreConfig, res *ExploreResult, strategy func(seed uint64) Strategy) *Failure {
	var seeds []uint64
	if res.Failure != nil {
		seeds = append(seeds, res.FailingSeed)
	}
	if n := min(c.rechecks, res.Runs); n > 0 {
		for i := range n {
			s := res.FirstSeed + uint64(i*res.Runs/n)
			if res.Failure == nil || s != res.FailingSeed {
				seeds = append(seeds, s)
			}
		}
	}
	for _, seed := range seeds {
		run := func() (*Result, error) {
			return Run(root, append(slices.Clip(c.runOpts), WithStrategy(strategy(seed)))...)
		}
		a, errA := run()
		b, errB := run()
		what := ""
		switch {
		case a.Schedule != b.Schedule || a.Trace.Hash() != b.Trace.Hash():
			what = firstDifference(a.Trace, b.Trace)
		case errString(errA) != errString(errB):
			what = fmt.Sprintf("one run ended with %q, the other with %q", errString(errA), errString(errB))
		case seed == res.FailingSeed && res.Failure != nil && (errA == nil || errFailure(errA).Message != res.Failure.Message):
			what = fmt.Sprintf("the failing run (%s) passed or failed otherwise when run again: %q", res.Failure.Message, errString(errA))
		default:
			continue
		}
		f := &Failure{
			Err: ErrNondeterminism, Seed: seed, Strategy: a.Strategy, Schedule: a.Schedule, Task: -1,
			Message: fmt.Sprintf("seed %d, run twice, differed: %s", seed, what),
		}
		f.Report = fmt.Sprintf("%v: %s\nThe scenario escapes the scheduler (map iteration order, time.Now, math/rand, a go statement, package state shared between runs); its failures do not replay.\n", f.Err, f.Message)
		return f
	}
	return nil
}

func errString(err error) string {
	if err == nil {
		return "ok"
	}
	if f := errFailure(err); f != nil {
		return f.Message
	}
	return err.Error()
}

func errFailure(err error) *Failure {
	var f *Failure
	errors.As(err, &f)
	return f
}

// firstDifference names the first event at which two traces differ.
func firstDifference(a, b *Trace) string {
	for i := range max(len(a.events), len(b.events)) {
		var ea, eb string
		if i < len(a.events) {
			ea = a.events[i].String()
		}
		if i < len(b.events) {
			eb = b.events[i].String()
		}
		if ea != eb {
			return fmt.Sprintf("event %d is %q in one run and %q in the other", i, ea, eb)
		}
	}
	return "the traces are the same but the schedules differ"
}
