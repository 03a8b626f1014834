package sim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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
	// must fail too. Otherwise it passed, and its re-runs must pass: a
	// scenario whose runs change with state shared across them (a
	// counter of runs) can fail both re-runs alike, which comparing them
	// with each other alone would take for a real failure.
	Failed bool
	// Message, if set, is the first failure's [Failure.Message], which
	// the re-runs must repeat.
	Message string
	// Schedule, if set, is the schedule the run took when first made,
	// which the re-runs must take too.
	Schedule string

	// label, if set, names the run in the failure instead of its seed.
	label string
}

// Recheck makes each run again, twice, with a trace, and compares the two
// re-runs' schedules, trace hashes ([Trace.Hash]) and outcomes with each
// other, and their outcomes and schedules with what the run did first
// (RecheckRun.Failed, Message and Schedule). It returns an
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
	f, _ := recheckRuns(root, runs, opts, func() bool { return false })
	return f
}

// recheckRuns is Recheck, making no more runs once stop says so (an
// exploration's budget or context): it then returns nil, claiming nothing,
// and cut true.
func recheckRuns(root func(s *Sim), runs []RecheckRun, opts []Option, stop func() bool) (f *Failure, cut bool) {
	for _, want := range runs {
		run := func() (*Result, error) {
			return Run(root, append(slices.Clip(opts), WithStrategy(want.Strategy()), withTrace(), WithGoroutinePool(nil))...)
		}
		if stop() {
			return nil, true
		}
		a, errA := run()
		if stop() {
			return nil, true
		}
		b, errB := run()
		what := ""
		switch {
		case a.Schedule != b.Schedule || a.Trace.Hash() != b.Trace.Hash():
			what = firstDifference(a.Trace, b.Trace)
		case errString(errA) != errString(errB):
			what = fmt.Sprintf("one run ended with %s, the other with %s", clipQuote(errString(errA)), clipQuote(errString(errB)))
		case want.Failed && (errA == nil || want.Message != "" && errString(errA) != want.Message):
			first := "it failed"
			if want.Message != "" {
				first = fmt.Sprintf("it failed (%s)", clipQuote(want.Message))
			}
			what = fmt.Sprintf("%s, and passed or failed otherwise when run again: %s", first, clipQuote(errString(errA)))
		case !want.Failed && errA != nil:
			what = fmt.Sprintf("it passed when first run, and failed when run again: %s", clipQuote(errString(errA)))
		case want.Schedule != "" && a.Schedule != want.Schedule:
			what = "its schedule when run again is not the first run's: " + scheduleDifference(want.Schedule, a.Schedule)
		default:
			continue
		}
		f = &Failure{
			Err: ErrNondeterminism, Strategy: a.Strategy, Schedule: a.Schedule, Task: -1,
			Message: fmt.Sprintf("run twice, differed: %s", what),
		}
		if want.label != "" {
			f.Message, f.CalibrationRun = want.label+", "+f.Message, true
		} else if sd, ok := want.Strategy().(Seeded); ok {
			f.Seed = sd.Seed()
			f.Message = fmt.Sprintf("seed %d, %s", f.Seed, f.Message)
		}
		f.Report = fmt.Sprintf("%v: %s\nThe scenario escapes the scheduler (map iteration order, time.Now, math/rand, a go statement, package state shared between runs); its failures do not replay.\n", f.Err, f.Message)
		return f, false
	}
	return nil, false
}

// calibrationRechecks are the calibration runs an exploration re-checks:
// the first, and the first that failed (nil if none).
type calibrationRechecks struct{ first, failed *RecheckRun }

// sampledRun is a passing run the determinism re-check may make again.
type sampledRun struct {
	seed     uint64
	schedule string // the schedule it took
}

// recheck runs the failing run and c.rechecks of the sampled passing ones
// again ([Recheck]; see pickRechecks), unless the exploration was cut
// short.
func recheck(root func(s *Sim), c exploreConfig, res *ExploreResult, sampled []sampledRun, cal calibrationRechecks, strategy func(seed uint64) Strategy) (*Failure, bool) {
	if c.stopped() {
		return nil, true // cut short already: make no more runs, and say the re-check was not made
	}
	var runs []RecheckRun
	seedRun := func(seed uint64) RecheckRun {
		return RecheckRun{Strategy: func() Strategy { return strategy(seed) }}
	}
	if res.Failure != nil {
		r := seedRun(res.FailingSeed)
		r.Failed, r.Message, r.Schedule = true, res.Failure.Message, res.Failure.Schedule
		runs = append(runs, r)
	}
	for _, p := range pickRechecks(sampled, c.rechecks) {
		r := seedRun(p.seed)
		r.Schedule = p.schedule
		runs = append(runs, r)
	}
	if cal.first != nil && c.rechecks > 0 {
		runs = append(runs, *cal.first)
	}
	if cal.failed != nil { // as the failing seed: always
		runs = append(runs, *cal.failed)
	}
	return recheckRuns(root, runs, c.runOpts, c.stopped)
}

// pickRechecks returns n of the sampled runs (in the order they ran): the
// first, which state shared across runs has changed the most under since,
// and the last n-1, which ran under the most of it.
func pickRechecks[T any](sampled []T, n int) []T {
	if n <= 0 || len(sampled) <= n {
		return sampled[:min(len(sampled), max(n, 0))]
	}
	return append([]T{sampled[0]}, sampled[len(sampled)-(n-1):]...)
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
			return fmt.Sprintf("event %d is %s in one run and %s in the other", i, clipQuote(ta), clipQuote(tb))
		}
	}
	for i := range min(len(a.tasks), len(b.tasks)) {
		if a.tasks[i] != b.tasks[i] {
			return fmt.Sprintf("task %d is %s in one run and %s in the other", i, clipQuote(fmt.Sprintf("%+v", a.tasks[i])), clipQuote(fmt.Sprintf("%+v", b.tasks[i])))
		}
	}
	return "the traces are the same but the schedules differ"
}

// maxQuoted bounds the text of a message quoted in another message.
const maxQuoted = 200

// clipQuote quotes s, cut to maxQuoted bytes (on a rune boundary) with
// the length it had: a report quotes a failure's message, and a schedule
// or a panic value can be megabytes.
func clipQuote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(runePrefix(s, maxQuoted)), len(s))
}

// runePrefix returns s cut to at most n bytes, on a rune boundary.
func runePrefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// maxMessageValue bounds the text of a panic value in a failure's message
// (Failure.Value keeps it whole).
const maxMessageValue = 1000

// clipText cuts s to maxMessageValue bytes (on a rune boundary), saying
// how long it was.
func clipText(s string) string {
	if len(s) <= maxMessageValue {
		return s
	}
	return fmt.Sprintf("%s... (%d bytes in all; Failure.Value has it whole)", runePrefix(s, maxMessageValue), len(s))
}

// scheduleDifference says where two schedules first differ: the decision
// and its option in each.
func scheduleDifference(first, again string) string {
	a, errA := DecodeSchedule(first)
	b, errB := DecodeSchedule(again)
	if errA != nil || errB != nil {
		return fmt.Sprintf("%s, then %s", clipQuote(first), clipQuote(again))
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("decision %d took option %d the first time and %d when run again", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("the first run made %d decisions, the run again %d", len(a), len(b))
}
