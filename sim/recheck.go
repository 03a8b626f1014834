package sim

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNondeterminism occurs when the same seed (or DFS schedule), run
// twice, makes different decisions or a different trace: the scenario
// escapes the scheduler (map iteration order, time.Now, math/rand, a go
// statement, package state shared between runs), so no failure it shows
// can be trusted to replay. [Explore] and [Check] report it as the
// failure, naming the first event that differs.
var ErrNondeterminism = errors.New("sim: nondeterministic scenario")

// DefaultRechecks is the number of passing seeds (or DFS schedules)
// [Explore] runs again to check that the scenario is deterministic (the
// failing one always is).
const DefaultRechecks = 4

// A RecheckRun is one run for [Recheck] to make again.
type RecheckRun struct {
	// Strategy makes the run's strategy, afresh for each re-run: the
	// strategy of a seed, or a [Replay] of a schedule.
	Strategy func() Strategy
	// Failed says the run failed when it was first made: its re-runs
	// must fail too. A run that passed is compared only between its two
	// re-runs.
	Failed bool
	// Message, if set, is the first failure's [Failure.Message], which
	// the re-runs must repeat.
	Message string
}

// Recheck makes each run again, twice, with a trace, and compares the two
// re-runs' schedules, trace hashes ([Trace.Hash]) and outcomes with each
// other and with what the run did first. It returns an
// [ErrNondeterminism] failure for the first run that differs, naming the
// first event that differs, or nil if every run repeated itself.
//
// [Explore] and [Check] call it on the failing seed and a sample of
// passing ones; a harness that runs seeds itself (as package testbed/env
// does) calls it to check the same. opts are the options of the runs
// (a [WithStrategy] among them is overridden, a [WithoutTrace] and a
// [WithGoroutinePool] too: re-runs start on fresh goroutines, so that
// state a pooled goroutine carries shows as a difference).
func Recheck(root func(s *Sim), runs []RecheckRun, opts ...Option) *Failure {
	for _, want := range runs {
		run := func() (*Result, error) {
			return Run(root, append(slices.Clip(opts), WithStrategy(want.Strategy()), withTrace(), WithGoroutinePool(nil))...)
		}
		a, errA := run()
		b, errB := run()
		what := ""
		switch {
		case a.Schedule != b.Schedule || a.Trace.Hash() != b.Trace.Hash():
			what = firstDifference(a.Trace, b.Trace)
		case errString(errA) != errString(errB):
			what = fmt.Sprintf("one run ended with %q, the other with %q", errString(errA), errString(errB))
		case want.Failed && (errA == nil || want.Message != "" && errString(errA) != want.Message):
			first := "it failed"
			if want.Message != "" {
				first = fmt.Sprintf("it failed (%s)", want.Message)
			}
			what = fmt.Sprintf("%s, and passed or failed otherwise when run again: %q", first, errString(errA))
		default:
			continue
		}
		f := &Failure{
			Err: ErrNondeterminism, Strategy: a.Strategy, Schedule: a.Schedule, Task: -1,
			Message: fmt.Sprintf("run twice, differed: %s", what),
		}
		if sd, ok := want.Strategy().(Seeded); ok {
			f.Seed = sd.Seed()
			f.Message = fmt.Sprintf("seed %d, %s", f.Seed, f.Message)
		}
		f.Report = fmt.Sprintf("%v: %s\nThe scenario escapes the scheduler (map iteration order, time.Now, math/rand, a go statement, package state shared between runs); its failures do not replay.\n", f.Err, f.Message)
		return f
	}
	return nil
}

// recheck runs the failing run and a sample of passing ones again
// ([Recheck]), unless the exploration was cut short.
func recheck(root func(s *Sim), c exploreConfig, res *ExploreResult, strategy func(seed uint64) Strategy) *Failure {
	if c.stopped() {
		return nil // cut short: make no more runs
	}
	var runs []RecheckRun
	seedRun := func(seed uint64) RecheckRun {
		return RecheckRun{Strategy: func() Strategy { return strategy(seed) }}
	}
	if res.Failure != nil {
		r := seedRun(res.FailingSeed)
		r.Failed, r.Message = true, res.Failure.Message
		runs = append(runs, r)
	}
	if n := min(c.rechecks, res.Runs); n > 0 {
		for i := range n {
			s := res.FirstSeed + uint64(i*res.Runs/n)
			if res.Failure == nil || s != res.FailingSeed {
				runs = append(runs, seedRun(s))
			}
		}
	}
	return Recheck(root, runs, c.runOpts...)
}

// withTrace undoes a WithoutTrace: a re-run is compared by its trace.
func withTrace() Option { return optionFunc(func(c *config) { c.noTrace = false }) }

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

// firstDifference names the first event at which two traces differ: an
// event differs in any field, or, for a spawn, in the spawned task's name.
func firstDifference(a, b *Trace) string {
	describe := func(tr *Trace, i int) (Event, string) {
		if i >= len(tr.events) {
			return Event{}, "nothing (the run had ended)"
		}
		e := tr.events[i]
		text := strings.TrimSpace(e.String())
		if e.Kind == EvSpawn && e.Arg >= 0 && e.Arg < len(tr.tasks) {
			text += fmt.Sprintf(" %q", tr.tasks[e.Arg].Name)
		}
		return e, text
	}
	for i := range max(len(a.events), len(b.events)) {
		ea, ta := describe(a, i)
		eb, tb := describe(b, i)
		if ea != eb || ta != tb {
			if ta == tb { // a field String leaves out
				ta, tb = fmt.Sprintf("%+v", ea), fmt.Sprintf("%+v", eb)
			}
			return fmt.Sprintf("event %d is %q in one run and %q in the other", i, ta, tb)
		}
	}
	for i := range min(len(a.tasks), len(b.tasks)) {
		if a.tasks[i] != b.tasks[i] {
			return fmt.Sprintf("task %d is %+v in one run and %+v in the other", i, a.tasks[i], b.tasks[i])
		}
	}
	return "the traces are the same but the schedules differ"
}
