package sim

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// StrategySpec names a way of choosing a strategy per seed, as accepted by
// -sim.strategy and [WithStrategySpec]:
//
//	random       Random(seed)
//	pct          PCT with depth 3
//	pct:D        PCT with depth D
//	portfolio    by seed: seed%3 == 0 Random, 1 PCT depth 2, 2 PCT depth 3 (the default)
//	dfs          bounded exhaustive search, 2 preemptions (seeds are ignored)
//	dfs:P        bounded exhaustive search, P preemptions
//
// PCT needs the number k of task decisions of a run; [Explore] measures it
// first with [Calibrate], whose runs depend on the scenario alone, so that
// a seed alone still replays.
type StrategySpec struct {
	kind  string // random, pct, portfolio, dfs, custom
	param int    // pct depth or dfs preemptions
	// For a custom spec (StrategyFunc): its name and constructor.
	name string
	fn   func(seed uint64, k int) Strategy
}

// StrategyFunc returns a spec that makes each seed's strategy with f, so
// that [Explore] and [Check] can run a user's own [Strategy] over many
// seeds. k is the measured number of task decisions of a run (as PCT
// needs it; ignore it if the strategy does not). name is what the spec's
// String, and so Check's report, shows. A strategy that implements
// [Seeded] has its seed printed with a failure, so return one that does
// if seed replays it.
func StrategyFunc(name string, f func(seed uint64, k int) Strategy) StrategySpec {
	return StrategySpec{kind: "custom", name: name, fn: f}
}

// ErrBadStrategy occurs when a strategy spec cannot be parsed.
var ErrBadStrategy = errors.New("sim: bad strategy spec")

// ParseStrategy parses a strategy spec (see [StrategySpec]).
func ParseStrategy(spec string) (StrategySpec, error) {
	name, arg, hasArg := strings.Cut(strings.TrimSpace(spec), ":")
	sp := StrategySpec{kind: name}
	switch name {
	case "random", "portfolio":
		if hasArg {
			return StrategySpec{}, fmt.Errorf("%w: %q takes no parameter", ErrBadStrategy, spec)
		}
		return sp, nil
	case "pct":
		sp.param = 3
	case "dfs":
		sp.param = 2
	default:
		return StrategySpec{}, fmt.Errorf("%w: %q (want random, pct[:depth], portfolio or dfs[:preemptions])", ErrBadStrategy, spec)
	}
	if hasArg {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 || (name == "pct" && n < 1) {
			return StrategySpec{}, fmt.Errorf("%w: bad parameter in %q", ErrBadStrategy, spec)
		}
		sp.param = n
	}
	return sp, nil
}

// String returns the spec in the form ParseStrategy accepts.
func (sp StrategySpec) String() string {
	switch sp.kind {
	case "pct", "dfs":
		return fmt.Sprintf("%s:%d", sp.kind, sp.param)
	case "":
		return "portfolio"
	case "custom":
		return sp.name
	}
	return sp.kind
}

func (sp StrategySpec) isDFS() bool { return sp.kind == "dfs" }

func (sp StrategySpec) needsK() bool {
	return sp.kind == "pct" || sp.kind == "portfolio" || sp.kind == "" || sp.kind == "custom"
}

// pctRuns returns the depth d of the PCT runs among the n seeds from first
// whose miss bound Check reports, and how many there are: every run for
// pct:D (depth D), the depth-2 runs (seed%3 == 1) of a portfolio. The
// bound of PCT for depth d holds for runs of that depth only.
func (sp StrategySpec) pctRuns(first uint64, n int) (depth, runs int) {
	switch sp.kind {
	case "pct":
		return sp.param, n
	case "portfolio", "":
		// seeds s in [first, first+n) with s%3 == 1
		count := func(end uint64) int { return int((end + 1) / 3) } // in [0, end)
		return 2, count(first+uint64(n)) - count(first)
	}
	return 0, 0
}

// strategy returns the strategy for one seed; k is the measured number of
// task decisions of a run.
func (sp StrategySpec) strategy(seed uint64, k int) Strategy {
	switch sp.kind {
	case "random":
		return Random(seed)
	case "pct":
		return PCTWithSteps(seed, sp.param, k)
	case "custom":
		return sp.fn(seed, k)
	}
	switch seed % 3 {
	case 1:
		return PCTWithSteps(seed, 2, k)
	case 2:
		return PCTWithSteps(seed, 3, k)
	}
	return Random(seed)
}

// ExploreResult summarises many runs of one scenario.
type ExploreResult struct {
	// Strategy is the spec the runs used.
	Strategy string
	// Runs is the number of runs made.
	Runs int
	// Distinct is the number of distinct schedules among them.
	Distinct int
	// Failures is the number of failed runs.
	Failures int
	// Failure is the failure of the smallest failing seed (for DFS, of
	// the first failing schedule), nil if none failed.
	Failure *Failure
	// FailingSeed is the smallest failing seed, if Failure is set (0 for
	// a calibration run's, Failure.CalibrationRun).
	FailingSeed uint64
	// FirstSeed is the first seed run.
	FirstSeed uint64
	// TotalSteps, MaxSteps: scheduling points over all runs, and the most
	// in one run.
	TotalSteps, MaxSteps int
	// MaxTasks is the largest number of tasks in one run.
	MaxTasks int
	// K is the k the PCT runs drew their change points over (0 if no PCT
	// run counts in PCTRuns): [Calibration.K], measured by [Calibrate].
	// PCT's bound covers a bug whose change points lie
	// within the first K task decisions of a run.
	K int
	// LongestRun is the most task decisions of any run made, calibration
	// included. When it is above K, runs went further than PCT's change
	// points reached, and MissBound gives no bound.
	LongestRun int
	// PCTRuns is the number of passing runs of PCT of depth PCTDepth (all
	// the runs of pct:D, the depth-2 runs of a portfolio): the runs
	// [ExploreResult.MissBound] is computed from.
	PCTRuns, PCTDepth int
	// PCTYieldDrops counts the PCTRuns in which PCT dropped a task that
	// yielded twice in a row ([PCTWithSteps]), which is outside PCT's
	// guarantee: MissBound gives no bound when there are any.
	PCTYieldDrops int
	// Calibration counts runs made only to measure or fit PCT's k, not in
	// Runs: the runs of [Calibrate], and the runs PCT made again with a
	// larger k ([Result.Runs] - 1 per seed).
	Calibration int
	// Complete reports, for DFS, that every schedule within the
	// preemption bound was run: never when the determinism re-check found
	// the scenario escaping the scheduler, since the tree searched was
	// then not the scenario's.
	Complete bool
	// CutShort reports that the exploration stopped before it was done
	// because its context ended or its time budget ran out
	// ([WithContext], [WithTimeBudget]): the other fields describe the
	// runs it made, and a DFS is not Complete.
	CutShort bool
	// failingRun is the 1-based index of the failing run in the order
	// the runs were made (seed order; DFS order), 0 if none failed.
	failingRun int
	// Elapsed is the wall time the exploration took. It is the one field
	// that differs between two explorations of the same seeds, and String
	// leaves it out.
	Elapsed time.Duration
}

// RunsToFailure returns the number of runs up to and including the first
// failing one (0 if none failed): for seeds, the smallest failing seed's
// place among them; for DFS, the failing schedule's place in the search;
// 1 for a calibration run that does not repeat itself, which came first.
func (r ExploreResult) RunsToFailure() int {
	if r.Failure == nil {
		return 0
	}
	return r.failingRun
}

// MissBound returns, for the PCTRuns passing PCT runs, the bound
// (1 - 1/(n·K^(d-1)))^PCTRuns on the probability that they all missed a
// bug of depth d (at most PCTDepth) whose change points lie within the
// first K task decisions of a run, with n = MaxTasks (the most tasks in a
// run, root included: the tasks PCT chooses among). Each run counts with
// the k its first attempt drew over, K, whatever [Run] made of it after.
// It returns 1 (no bound) when no PCT run of depth PCTDepth counts, and
// when a run went further than K (LongestRun > K): the runs then do not
// have the k the bound needs, the most task decisions of a run, and a bug
// past K is out of the change points' reach (calibration's headroom makes
// that rare: [Calibrate]); and when PCT dropped a yielder in any of them
// (PCTYieldDrops), which its guarantee does not cover.
func (r ExploreResult) MissBound(depth int) float64 {
	if r.PCTRuns == 0 || depth > r.PCTDepth || r.LongestRun > r.K || r.PCTYieldDrops > 0 {
		return 1
	}
	n, k := float64(max(r.MaxTasks, 1)), float64(max(r.K, 1))
	p := 1 / (n * math.Pow(k, float64(r.PCTDepth-1)))
	return math.Pow(1-p, float64(r.PCTRuns))
}

// String returns a one-line summary.
func (r ExploreResult) String() string {
	avg := 0.0
	if r.Runs > 0 {
		avg = float64(r.TotalSteps) / float64(r.Runs)
	}
	s := fmt.Sprintf("%d runs (%s), %d distinct schedules, %d failed, steps avg %.1f max %d, up to %d tasks",
		r.Runs, r.Strategy, r.Distinct, r.Failures, avg, r.MaxSteps, r.MaxTasks)
	if r.K > 0 {
		s += fmt.Sprintf(", k=%d", r.K)
		if r.LongestRun > r.K {
			s += fmt.Sprintf(" (longest run %d task decisions)", r.LongestRun)
		}
	}
	if r.Calibration > 0 {
		s += fmt.Sprintf(" (%d calibration runs)", r.Calibration)
	}
	switch {
	case r.Failure != nil && r.Failure.CalibrationRun && errors.Is(r.Failure, ErrNondeterminism):
		s += ", a calibration run does not repeat itself"
	case r.Failure != nil && r.Failure.CalibrationRun:
		s += ", a calibration run failed"
	case r.Failure != nil && !strings.HasPrefix(r.Strategy, "dfs"):
		s += fmt.Sprintf(", smallest failing seed %d", r.FailingSeed)
	}
	dfs := strings.HasPrefix(r.Strategy, "dfs")
	switch {
	case r.CutShort:
		s += ", cut short"
		if dfs {
			s += " (search incomplete)"
		}
	case dfs && r.Complete:
		s += ", search complete"
	case dfs && r.Failure == nil:
		s += ", search incomplete: it stopped at its bound of runs (WithMaxRuns)"
	}
	return s
}

// ExploreOption configures [Explore] and [Check].
type ExploreOption interface {
	applyExplore(*exploreConfig)
}

type exploreOptionFunc func(*exploreConfig)

func (f exploreOptionFunc) applyExplore(c *exploreConfig) { f(c) }

type exploreConfig struct {
	first    uint64
	seeds    int
	seedsSet bool
	spec     StrategySpec
	specSet  bool
	workers  int
	runOpts  []Option
	keepAll  bool
	progress func(done, total int)
	maxRuns  int
	ctx      context.Context
	budget   time.Duration
	rechecks int
	deadline time.Time // start + budget, set by Explore
}

// startBudget sets the deadline of a time budget starting at start,
// unless one is set already (Check's, passed on to Explore).
func (c *exploreConfig) startBudget(start time.Time) {
	if c.budget > 0 && c.deadline.IsZero() {
		c.deadline = start.Add(c.budget)
	}
}

// stopped reports whether the exploration must stop: its context ended or
// its time budget ran out.
func (c *exploreConfig) stopped() bool {
	if c.ctx != nil && c.ctx.Err() != nil {
		return true
	}
	return !c.deadline.IsZero() && !time.Now().Before(c.deadline)
}

// WithContext makes Explore and Check stop starting runs once ctx is done;
// the runs under way finish, and the result describes the runs made, with
// CutShort set. No determinism re-check run ([WithRechecks]) starts after
// that: its runs are runs too (a re-check so cut claims nothing).
func WithContext(ctx context.Context) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.ctx = ctx })
}

// WithRechecks sets how many passing seeds (or, under DFS, passing
// schedules) Explore and Check run again, twice each, to check that the
// scenario is deterministic (default [DefaultRechecks]; 0 checks only the
// failing seed). A mismatch is an [ErrNondeterminism] failure, counted in
// [ExploreResult.Failures].
func WithRechecks(n int) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.rechecks = max(n, 0) })
}

// WithTimeBudget bounds the wall time of an exploration: once d has
// passed, Explore and Check start no more runs, as when the context of
// [WithContext] ends. d <= 0 means no budget.
func WithTimeBudget(d time.Duration) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.budget = d })
}

// WithSeeds sets the number of seeds to run, from first on.
func WithSeeds(first uint64, n int) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.first, c.seeds, c.seedsSet = first, n, true })
}

// WithStrategySpec sets how each seed's strategy is chosen (default
// portfolio; see [StrategySpec]).
func WithStrategySpec(sp StrategySpec) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.spec, c.specSet = sp, true })
}

// WithWorkers sets the number of runs in parallel (default GOMAXPROCS).
func WithWorkers(n int) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.workers = n })
}

// WithRunOptions passes options to every [Run] (e.g. [WithMaxSteps]).
// A [WithStrategy] among them is overridden.
func WithRunOptions(opts ...Option) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.runOpts = append(c.runOpts, opts...) })
}

// WithAllSeeds makes Explore run every seed even after a failure (to count
// failures); by default seeds above the smallest failing one are skipped.
func WithAllSeeds() ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.keepAll = true })
}

// WithProgress calls f after each run with the number of runs done and the
// total: the number of seeds, or 0 for DFS, whose number of schedules is
// known only when the search ends. f is called from the worker goroutines,
// one call at a time.
func WithProgress(f func(done, total int)) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.progress = f })
}

// WithMaxRuns bounds the number of runs of a DFS exploration (default
// 100000).
func WithMaxRuns(n int) ExploreOption {
	return exploreOptionFunc(func(c *exploreConfig) { c.maxRuns = n })
}

// with returns the run options for one run with strategy st, on the
// goroutines of pool.
func (c *exploreConfig) with(st Strategy, pool *GoroutinePool) []Option {
	return append(slices.Clip(c.runOpts), WithStrategy(st), WithoutTrace(), WithGoroutinePool(pool))
}

func newExploreConfig(opts []ExploreOption) exploreConfig {
	c := exploreConfig{rechecks: DefaultRechecks, seeds: 100, workers: runtime.GOMAXPROCS(0), maxRuns: 100000}
	for _, o := range opts {
		o.applyExplore(&c)
	}
	c.workers = max(c.workers, 1)
	return c
}

// Explore runs root under many seeds (or, with a dfs spec, every schedule
// within the preemption bound) and summarises the runs. Seeds run in
// parallel, each in its own simulation; the result does not depend on the
// timing: the failure reported is always the smallest failing seed's.
func Explore(root func(s *Sim), opts ...ExploreOption) ExploreResult {
	start := time.Now()
	c := newExploreConfig(opts)
	c.startBudget(start)
	res := explore(root, c)
	res.Elapsed = time.Since(start)
	return res
}

// PerRun returns the mean wall time of a run of the exploration.
func (r ExploreResult) PerRun() time.Duration {
	if r.Runs == 0 {
		return 0
	}
	return r.Elapsed / time.Duration(r.Runs)
}

func explore(root func(s *Sim), c exploreConfig) ExploreResult {
	if c.spec.isDFS() {
		return exploreDFS(root, c)
	}
	res := ExploreResult{Strategy: c.spec.String(), FirstSeed: c.first}
	k := 0
	var (
		calRuns    calibrationRechecks
		calFailure *Failure // the first calibration run's that failed
	)
	if c.spec.needsK() {
		cal := calibrate(root, c.runOpts, c.stopped)
		k, res.Calibration, res.LongestRun = cal.K, cal.Runs, cal.Longest
		if cal.Runs > 0 {
			calRuns.first = &cal.first
		}
		if cal.failedFailure != nil {
			calRuns.failed, calFailure = &cal.failed, cal.failedFailure
		}
		if c.stopped() {
			// Cut short during calibration: no seed ran.
			res.CutShort = true
			return res
		}
	}

	type runRecord struct {
		ran          bool
		steps, tasks int
		hash         uint64
		fail         *Failure
		runs         int // Result.Runs
		taskDecs     int
		pctDepth     int
		pctDropped   bool
		// schedule is kept for the runs the determinism re-check may
		// make again (the 1st, 2nd, 4th, 8th, ...): they must repeat it.
		schedule string
	}
	var (
		next    atomic.Int64
		minFail atomic.Int64 // index of the smallest failing seed so far
		cut     atomic.Bool  // a worker stopped for the context or budget
		recs    = make([]runRecord, c.seeds)
		mu      sync.Mutex // serialises progress calls
		done    int
		wg      sync.WaitGroup
	)
	minFail.Store(math.MaxInt64)
	worker := func() {
		defer wg.Done()
		pool := NewGoroutinePool() // one per worker: no lock contention
		defer pool.Close()
		for {
			i := int(next.Add(1) - 1)
			if i >= c.seeds || (!c.keepAll && int64(i) > minFail.Load()) {
				return
			}
			if c.stopped() {
				cut.Store(true)
				return
			}
			seed := c.first + uint64(i)
			r, err := Run(root, c.with(c.spec.strategy(seed, k), pool)...)
			h := fnv.New64a()
			h.Write([]byte(r.Schedule))
			rec := runRecord{ran: true, steps: r.Steps, tasks: r.Tasks, hash: h.Sum64(),
				runs: r.Runs, taskDecs: r.longest, pctDepth: r.pctDepth, pctDropped: r.pctDropped}
			if n := i + 1; n&(n-1) == 0 {
				rec.schedule = r.Schedule
			}
			if errors.As(err, &rec.fail) {
				for {
					cur := minFail.Load()
					if int64(i) >= cur || minFail.CompareAndSwap(cur, int64(i)) {
						break
					}
				}
			}
			recs[i] = rec // each index is written by one worker only
			if c.progress != nil {
				mu.Lock()
				done++
				c.progress(done, c.seeds)
				mu.Unlock()
			}
		}
	}
	for range c.workers {
		wg.Add(1)
		go worker()
	}
	wg.Wait()

	// Aggregate in seed order, and only up to the smallest failing seed
	// unless every seed was asked for, so that the result does not depend
	// on which runs above it happened to finish.
	limit := c.seeds
	if m := minFail.Load(); m != math.MaxInt64 {
		res.Failure = recs[m].fail
		res.FailingSeed = c.first + uint64(m)
		res.failingRun = int(m) + 1
		if !c.keepAll {
			limit = int(m) + 1
		}
	}
	hashes := make(map[uint64]struct{})
	res.PCTDepth, _ = c.spec.pctRuns(c.first, c.seeds)
	for _, rec := range recs[:limit] {
		if !rec.ran {
			continue
		}
		res.Calibration += rec.runs - 1
		// Every PCT run counts: its first attempt drew its change points
		// over [1, k], whatever Run made of it after.
		if res.PCTDepth > 0 && rec.pctDepth == res.PCTDepth && rec.fail == nil {
			res.PCTRuns++
			if rec.pctDropped {
				res.PCTYieldDrops++
			}
		}
		res.LongestRun = max(res.LongestRun, rec.taskDecs)
		res.Runs++
		res.TotalSteps += rec.steps
		res.MaxSteps = max(res.MaxSteps, rec.steps)
		res.MaxTasks = max(res.MaxTasks, rec.tasks)
		hashes[rec.hash] = struct{}{}
		if rec.fail != nil {
			res.Failures++
		}
	}
	res.Distinct = len(hashes)
	if res.PCTRuns > 0 {
		res.K = k
	}
	var sampled []sampledRun
	for i, rec := range recs[:limit] {
		if rec.ran && rec.fail == nil && rec.schedule != "" {
			sampled = append(sampled, sampledRun{c.first + uint64(i), rec.schedule})
		}
	}
	f, recheckCut := recheck(root, c, &res, sampled, calRuns, func(seed uint64) Strategy { return c.spec.strategy(seed, k) })
	if f == nil && !recheckCut && res.Failure == nil && calFailure != nil {
		// A calibration run failed, and failed again alike, where no seed
		// did: a failure is a failure whatever run found it.
		f = calFailure
		f.CalibrationRun = true
		f.Message = "calibration run " + f.Strategy + ": " + f.Message
	}
	if f != nil {
		switch {
		case f.CalibrationRun:
			// Before the first seed: no seed names it.
			if res.Failure == nil {
				res.Failures++
			}
			res.Failure, res.FailingSeed, res.failingRun = f, 0, 1
		default:
			if res.Failure == nil || f.Seed != res.FailingSeed {
				res.Failures++ // a passing seed, now a failure of its own kind
			}
			res.Failure, res.FailingSeed = f, f.Seed
			res.failingRun = int(f.Seed-c.first) + 1
		}
	}
	// Cut short if seeds below the reported failure (or any, without
	// one) were left unrun, or if the budget ended the re-check.
	res.CutShort = cut.Load() && (res.Failure == nil || res.Runs < limit) || recheckCut
	return res
}
