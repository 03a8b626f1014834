package sim

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Flags of the test binary, each with an environment default:
//
//	-sim.seed=N        run only seed N (SIM_SEED)
//	-sim.schedule=S    replay schedule S (SIM_SCHEDULE)
//	-sim.strategy=X    strategy spec, see StrategySpec (SIM_STRATEGY; default portfolio)
//	-sim.seeds=N|A-B   how many seeds, or which (SIM_SEEDS; default 1000, -short 100)
//
// In a test binary they are registered on flag.CommandLine when the
// package loads; elsewhere they are kept off it, so that a program that
// schedules tasks with sim, or uses a scope manager built on it, does not
// find -sim.* flags in its own command line.
// A bad value on the command line is a flag error; a bad value in the
// environment is reported by [Check], which fails the test naming the
// variable (unless the flag, given on the command line, overrides it). An
// empty variable counts as unset.
var flags = registerFlags(flagSet(), os.LookupEnv)

// flagSet returns the set the -sim.* flags are registered on.
func flagSet() *flag.FlagSet {
	if testing.Testing() {
		return flag.CommandLine
	}
	return flag.NewFlagSet("sim", flag.ContinueOnError)
}

// DefaultSeeds is the number of seeds [Check] runs by default; -short
// divides it by 10.
const DefaultSeeds = 1000

type flagValues struct {
	fs       *flag.FlagSet
	seed     optSeed
	schedule string
	strategy checkedString
	seeds    checkedString
	// strategyEnv reports that SIM_STRATEGY set the strategy.
	strategyEnv bool
	// envErrs are the bad SIM_* values, in registration order.
	envErrs []envError
}

// envError is a bad environment default of a flag.
type envError struct {
	flag string // the flag's name, without the dash
	err  error
}

type optSeed struct {
	set bool
	v   uint64
}

func (o *optSeed) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatUint(o.v, 10)
}

func (o *optSeed) Set(s string) error {
	if s == "" {
		o.set = false
		return nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errors.New("want an unsigned integer")
	}
	o.set, o.v = true, v
	return nil
}

// checkedString is a string flag whose values check accepts.
type checkedString struct {
	v     string
	check func(string) error
}

func (c *checkedString) String() string {
	if c == nil {
		return ""
	}
	return c.v
}

func (c *checkedString) Set(s string) error {
	if c.check != nil {
		if err := c.check(s); err != nil {
			return err
		}
	}
	c.v = s
	return nil
}

func checkStrategy(s string) error {
	if _, err := ParseStrategy(s); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "sim: "))
	}
	return nil
}

func checkSeeds(s string) error {
	_, _, err := parseSeeds(s)
	return err
}

// registerFlags registers the -sim.* flags on fs, with defaults read from
// the environment through lookup. A bad environment value is recorded, not
// applied: [flagValues.envErr] reports it.
func registerFlags(fs *flag.FlagSet, lookup func(string) (string, bool)) *flagValues {
	f := &flagValues{
		fs:       fs,
		strategy: checkedString{v: "portfolio", check: checkStrategy},
		seeds:    checkedString{check: checkSeeds},
	}
	env := func(key, name string, set func(string) error) bool {
		v, ok := lookup(key)
		if !ok || v == "" {
			return false
		}
		if err := set(v); err != nil {
			f.envErrs = append(f.envErrs, envError{name, fmt.Errorf("sim: %s=%q: %v", key, v, err)})
			return false
		}
		return true
	}
	env("SIM_SEED", "sim.seed", f.seed.Set)
	env("SIM_SCHEDULE", "sim.schedule", func(v string) error { f.schedule = v; return nil })
	f.strategyEnv = env("SIM_STRATEGY", "sim.strategy", f.strategy.Set)
	env("SIM_SEEDS", "sim.seeds", f.seeds.Set)
	fs.Var(&f.seed, "sim.seed", "sim: run only this `seed`")
	fs.StringVar(&f.schedule, "sim.schedule", f.schedule, "sim: replay this `schedule`")
	fs.Var(&f.strategy, "sim.strategy", "sim: `strategy`: random, pct[:depth], portfolio or dfs[:preemptions]")
	fs.Var(&f.seeds, "sim.seeds", "sim: number of `seeds` (N) or range of seeds (A-B) to run")
	return f
}

// isSet reports whether the named flag was given on the command line.
func (f *flagValues) isSet(name string) bool {
	set := false
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == name {
			set = true
		}
	})
	return set
}

// envErr returns the bad environment values whose flags the command line
// does not override, as one line, or nil.
func (f *flagValues) envErr() error {
	var msgs []string
	for _, e := range f.envErrs {
		if !f.isSet(e.flag) {
			msgs = append(msgs, e.err.Error())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}

// parseSeeds parses "N" (seeds 0..N-1) or "A-B" (seeds A..B).
func parseSeeds(s string) (first uint64, n int, err error) {
	if a, b, ok := strings.Cut(s, "-"); ok {
		lo, err1 := strconv.ParseUint(a, 10, 64)
		hi, err2 := strconv.ParseUint(b, 10, 64)
		if err1 != nil || err2 != nil || hi < lo || hi-lo >= 1<<31 {
			return 0, 0, errors.New("want a range A-B of seeds with A <= B")
		}
		return lo, int(hi-lo) + 1, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, 0, errors.New("want a number of seeds N >= 1 or a range A-B")
	}
	return 0, v, nil
}

// TB is the part of *testing.T that [Check] uses; *testing.T, *testing.B
// and *testing.F implement it.
type TB interface {
	// Helper marks the caller as a helper function, so that failures are
	// reported at the caller's caller.
	Helper()
	// Name returns the test's name, from which Check builds the -run
	// pattern of the go test line that reproduces a failure.
	Name() string
	// Logf logs a line: Check's progress and summary.
	Logf(format string, args ...any)
	// Fatalf reports a failure and stops the test: Check calls it at
	// most once, with the failure report and the lines that reproduce it.
	Fatalf(format string, args ...any)
}

// Check runs root under many seeds, in parallel across GOMAXPROCS workers,
// and fails t with the smallest failing seed: its failure report, schedule,
// and a go test line that replays it. The flags -sim.seed, -sim.schedule,
// -sim.strategy and -sim.seeds (or SIM_* variables) override the options,
// so that the printed line reproduces the failure. A bad SIM_* value fails
// t, naming the variable, before any run.
//
// Every seed runs in a simulation of its own; root must not share mutable
// state between runs (build the scenario inside root).
func Check(t TB, root func(s *Sim), opts ...ExploreOption) {
	t.Helper()
	c := newExploreConfig(opts)
	// The budget runs from here, and bounds the shrinking after the
	// exploration too: the deadline is Check's, not only Explore's.
	c.startBudget(time.Now())
	if !c.seedsSet {
		c.seeds = DefaultSeeds
		if testing.Short() {
			c.seeds /= 10
		}
	}
	if err := flags.envErr(); err != nil {
		t.Fatalf("%v", err)
		return
	}
	if flags.seeds.v != "" {
		first, n, err := parseSeeds(flags.seeds.v)
		if err != nil {
			t.Fatalf("sim: -sim.seeds=%s: %v", flags.seeds.v, err)
			return
		}
		c.first, c.seeds = first, n
	}
	if !c.specSet || flags.isSet("sim.strategy") || flags.strategyEnv {
		sp, err := ParseStrategy(flags.strategy.v)
		if err != nil {
			t.Fatalf("sim: -sim.strategy: %v", err)
			return
		}
		c.spec = sp
	}
	if flags.schedule != "" {
		_, err := Run(root, append(c.runOpts, WithStrategy(Replay(flags.schedule)))...)
		if err != nil {
			t.Fatalf("%s", failMessage(t, err, c, false))
			return
		}
		t.Logf("sim: replayed schedule %s: ok", flags.schedule)
		return
	}
	if flags.seed.set {
		c.first, c.seeds = flags.seed.v, 1
	}
	if verbose() {
		start := time.Now()
		p := &progressLog{logf: t.Logf, now: time.Now, every: progressEvery, start: start, last: start, unit: c.unit()}
		if user := c.progress; user != nil {
			c.progress = func(done, total int) { user(done, total); p.update(done, total) }
		} else {
			c.progress = p.update
		}
	}
	res := Explore(root, exploreOptionFunc(func(x *exploreConfig) { *x = c }))
	if res.Failure != nil {
		msg := failMessage(t, res.Failure, c, !res.Failure.CalibrationRun) // no seed names a calibration run
		// A nondeterministic failure does not replay: shrinking it would
		// chase a moving target.
		if !errors.Is(res.Failure, ErrNondeterminism) {
			// Shrinking stays within the exploration's time budget.
			r := shrinkReport(root, res.Failure.Schedule, c.runOpts, c.stopped)
			shrunk := r.Failure != nil && r.Schedule != TrimSchedule(res.Failure.Schedule)
			switch {
			case shrunk && len(r.Schedule) > MaxPrintedSchedule:
				msg += fmt.Sprintf("shrunk (%s; %s), to a schedule of %d bytes, too long to print\n", r.Failure.Message, r, len(r.Schedule))
			case shrunk:
				msg += fmt.Sprintf("shrunk (%s; %s): go test -run '%s' %s -args -sim.schedule='%s'\n", r.Failure.Message, r, runPattern(t.Name()), packagePath(), r.Schedule)
			case r.CutShort:
				msg += "not shrunk: the time budget or context ended first\n"
			}
		}
		t.Fatalf("%s\n%s", res, msg)
		return
	}
	msg := fmt.Sprintf("sim: explored %d %s in %v (%v per run): %s", res.Runs, c.unit(), roundDuration(res.Elapsed), res.PerRun().Round(100*time.Nanosecond), res)
	switch {
	case res.PCTRuns > 0 && res.PCTYieldDrops > 0:
		msg += fmt.Sprintf("; no miss bound: in %d of the %d PCT runs a task yielded twice in a row and PCT dropped it below the others, which its guarantee does not cover", res.PCTYieldDrops, res.PCTRuns)
	case res.PCTRuns > 0 && res.LongestRun > res.K:
		msg += fmt.Sprintf("; no miss bound: runs went up to %d task decisions, past the k=%d that PCT's change points were drawn over", res.LongestRun, res.K)
	case res.PCTRuns > 0:
		msg += fmt.Sprintf("; a depth-%d bug would be missed by all %d PCT depth-%d runs (k=%d, %d tasks) with probability <= %.2g",
			res.PCTDepth, res.PCTRuns, res.PCTDepth, res.K, max(res.MaxTasks, 1), res.MissBound(res.PCTDepth))
	}
	switch {
	case res.CutShort && !c.spec.isDFS() && res.Runs >= c.seeds:
		msg += "; cut short by its context or time budget before the determinism re-check"
	case res.CutShort:
		msg += fmt.Sprintf("; cut short by its context or time budget: only %d of the %s planned ran", res.Runs, c.planned())
	}
	t.Logf("%s", msg)
}

// planned says how many runs the exploration was to make.
func (c *exploreConfig) planned() string {
	if c.spec.isDFS() {
		return "schedules within the bound"
	}
	return strconv.Itoa(c.seeds) + " seeds"
}

// progressEvery is the least time between two of Check's progress lines
// (a variable for tests).
var progressEvery = 2 * time.Second

// verbose reports whether progress lines are wanted: under go test -v,
// which shows log lines as they come. Without -v, go test shows a passing
// test's log only at its end, if at all, and pipes the test binary's
// output, so a progress line would never be seen while it is true. Tests
// replace it.
var verbose = testing.Verbose

// progressLog logs "explored 340/1000 seeds (2s)" lines ("explored 340
// schedules (2s)" for DFS), at most one per interval every: the count is
// the progress, the time only informs.
type progressLog struct {
	logf        func(format string, args ...any)
	now         func() time.Time
	every       time.Duration
	start, last time.Time
	unit        string
}

// update is a [WithProgress] callback.
func (p *progressLog) update(done, total int) {
	now := p.now()
	if now.Sub(p.last) < p.every || done == total {
		return // the summary line reports the end
	}
	p.last = now
	if total <= 0 { // DFS: the number of schedules is not known yet
		p.logf("sim: explored %d %s (%v)", done, p.unit, roundDuration(now.Sub(p.start)))
		return
	}
	p.logf("sim: explored %d/%d %s (%v)", done, total, p.unit, roundDuration(now.Sub(p.start)))
}

// roundDuration rounds a wall-clock duration for display.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// unit names what the exploration runs: seeds, or for DFS schedules.
func (c *exploreConfig) unit() string {
	if c.spec.isDFS() {
		return "schedules"
	}
	return "seeds"
}

// failMessage renders a failure with the lines that reproduce it.
func failMessage(t TB, err error, c exploreConfig, bySeed bool) string {
	var f *Failure
	if !errors.As(err, &f) {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(f.Report)
	cmd := fmt.Sprintf("go test -run '%s' %s -args", runPattern(t.Name()), packagePath())
	b.WriteString("reproduce:\n")
	if bySeed && !c.spec.isDFS() {
		fmt.Fprintf(&b, "  %s -sim.seed=%d", cmd, f.Seed)
		// A custom spec cannot be named on the command line; the test
		// passes it, and -sim.seed alone keeps it.
		if c.spec.kind != "custom" && c.spec.String() != "portfolio" {
			fmt.Fprintf(&b, " -sim.strategy=%s", c.spec)
		}
		b.WriteString("\n")
	}
	if len(f.Schedule) <= MaxPrintedSchedule {
		fmt.Fprintf(&b, "  %s -sim.schedule='%s'\n", cmd, f.Schedule)
	} else if !bySeed || c.spec.isDFS() {
		fmt.Fprintf(&b, "  (the %s is too long to print, and there is no seed)\n", scheduleSize(f.Schedule))
	}
	return b.String()
}

// runPattern returns a -run pattern matching exactly the named test.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// packagePath returns the test's package directory relative to the module
// root ("./sim"), or "." if it cannot tell.
func packagePath() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}
