package env

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// Config says how to run a scenario.
type Config struct {
	// Strategy and Seed pick the sim schedule.
	Strategy Strategy
	// Seed seeds Strategy; it is ignored when Schedule is set and on
	// real goroutines.
	Seed uint64
	// Schedule, if set, replays a recorded sim schedule instead.
	Schedule string
	// Manager, if set, replaces the platform's scope manager: the hook for
	// scope-manager authors.
	Manager ManagerFunc
	// Tracer, if set, makes the run's tracer instead of the default
	// MockTracer: the hook for tracer authors (see TracerFunc).
	Tracer TracerFunc
	// TracerOptions are added to the default MockTracer's options (with
	// Tracer set, pass them to TracerConfig.MockTracer instead: setting
	// both is an ErrBadConfig).
	TracerOptions []mocktracer.Option
	// MaxSteps bounds a sim run (livelock detection); 0 keeps sim's default.
	MaxSteps int
	// Command is the command line of the tracebed tool that knows the
	// scenario (a user's own, see package testbed/tool), which a
	// failure's replay line starts with. Empty means DefaultCommand, the
	// tracebed tool of this repository; NoCommand means there is no such
	// tool, and a failure says how to replay it from Go code instead.
	Command string

	// pctK is PCT's k, measured once per exploration (calibrate); 0
	// until then.
	pctK int
	// pctFirst is the first calibration run, which the determinism
	// re-check makes again.
	pctFirst *sim.RecheckRun
	// pctFailed is the first calibration run that failed, if any: the
	// re-check makes it again, as it does a failing seed.
	pctFailed *sim.RecheckRun
	// pool is the goroutines an exploration worker's sim runs reuse.
	// Each run makes its own scope manager, so no goroutine-local scope
	// outlives its run.
	pool *sim.GoroutinePool
}

// DefaultCommand runs the tracebed tool from the root of this repository:
// the command a built-in scenario's replay line starts with.
const DefaultCommand = "go run ./cmd/tracebed"

// NoCommand, as Config.Command, says that no tool knows the scenario: its
// failures say how to replay them from Go code.
const NoCommand = "-"

// validate rejects a config whose fields contradict each other.
func (cfg Config) validate() error {
	if cfg.Tracer != nil && len(cfg.TracerOptions) > 0 {
		return fmt.Errorf("%w: Tracer and TracerOptions both set (pass the options to TracerConfig.MockTracer)", ErrBadConfig)
	}
	return nil
}

// Outcome is what one run left: its schedule, its trace and its spans. A
// failed run has one too; its failure is RunSim's or RunReal's error.
type Outcome struct {
	// Scenario and Platform name what ran.
	Scenario, Platform string
	// Schedule replays a sim run exactly (empty on real goroutines).
	Schedule string
	// Trace is sim's record of the run, for renderings such as Timeline
	// and sim.Trace.WriteChrome (nil on real goroutines).
	Trace *sim.Trace
	// Spans are the finished spans, in finish order.
	Spans []*mocktracer.SpanRecord

	cfg     Config
	failure *Failure
}

// Timeline is sim's text timeline of the run (empty on real goroutines).
// It is rendered when called: a run explored and not shown costs nothing.
func (out Outcome) Timeline() string {
	if out.Trace == nil {
		return ""
	}
	return out.Trace.Timeline()
}

// Tree is check.Tree of Spans.
func (out Outcome) Tree() string { return check.Tree(out.Spans) }

func platformFor(sc Scenario, p Platform, cfg Config) (Platform, error) {
	if err := cfg.validate(); err != nil {
		return p, err
	}
	if !sc.SupportsPlatform(p) {
		return p, fmt.Errorf("%w: %s does not run on %s", ErrPlatformNotSupported, sc.Name, p.Name)
	}
	if cfg.Manager != nil {
		p.Manager = cfg.Manager
	}
	return p, nil
}

// RunSim runs the scenario once under sim. The error is nil only for a
// passing run: a failed one returns its *Failure (which says how to
// replay it) with the Outcome, and a run that could not start (a platform
// the scenario does not support, a bad Config) another error and no
// Outcome.
func RunSim(sc Scenario, p Platform, cfg Config) (Outcome, error) {
	p, err := platformFor(sc, p, cfg)
	if err != nil {
		return Outcome{}, err
	}
	out, f := runSim(sc, p, cfg, true)
	if f != nil {
		return out, f
	}
	return out, nil
}

// runSim runs the scenario once under sim, p and cfg already checked.
// With shown false the run is one of an exploration: it records no trace
// and collects no spans, since nothing will show them.
func runSim(sc Scenario, p Platform, cfg Config, shown bool) (Outcome, *Failure) {
	if cfg.Strategy == "" {
		cfg.Strategy = Random
	}
	cfg = cfg.calibrated(context.Background(), sc, p)
	var (
		e        *simEnv
		checkErr error
	)
	root := func(s *sim.Sim) {
		e = newSimEnv(s, p, cfg, shown)
		runErr := sc.Run(e)
		e.Wait()
		checkErr = finalChecks(sc, e, runErr, e.left)
	}
	opts := append([]sim.Option{sim.WithStrategy(cfg.simStrategy())}, cfg.stepBound()...)
	if !shown {
		opts = append(opts, sim.WithoutTrace())
	}
	if cfg.pool != nil {
		opts = append(opts, sim.WithGoroutinePool(cfg.pool))
	}
	res, simErr := sim.Run(root, opts...)
	out := Outcome{Scenario: sc.Name, Platform: p.Name, cfg: cfg}
	if res != nil {
		out.Schedule = res.Schedule
		if shown {
			out.Trace = res.Trace
		}
	}
	var sf *sim.Failure
	if errors.As(simErr, &sf) && out.Schedule == "" {
		out.Schedule = sf.Schedule
	}
	if e != nil && shown {
		out.Spans = e.rec.FinishedRecords()
	}
	fail := errors.Join(simErr, checkErr)
	if fail == nil {
		return out, nil
	}
	f := &Failure{Scenario: sc.Name, Platform: p.Name, Strategy: cfg.Strategy, Seed: cfg.Seed, Schedule: out.Schedule, Command: cfg.Command, Err: fail}
	if cfg.Schedule != "" {
		f.FromSchedule, f.Seed = true, 0
	}
	var tr opentracing.Tracer
	if e != nil {
		tr = e.tr
	}
	f.Manager, f.Tracer, f.TracerOptions = callers(cfg, tr)
	out.failure = f
	return out, f
}

// callers says what of the caller's a run used, for its Failure: the type
// of the caller's scope manager (Config.Manager) and of the caller's
// tracer (Config.Tracer) as the run held them (tr; nil if the run never
// made one), and whether there were tracer options.
func callers(cfg Config, tr opentracing.Tracer) (manager, tracer string, tracerOptions bool) {
	if cfg.Manager != nil {
		manager = "ScopeManager" // if the run never made it
		if tr != nil {
			manager = fmt.Sprintf("%T", tr.ScopeManager())
		}
	}
	if cfg.Tracer != nil {
		tracer = "Tracer"
		if tr != nil {
			tracer = fmt.Sprintf("%T", tr)
		}
	}
	return manager, tracer, len(cfg.TracerOptions) > 0
}

// Report renders a sim run as `tracebed replay` prints it: a header, the
// timeline, the span tree, the schedule and the outcome. For a seeded run
// it is byte-identical every time.
func (out Outcome) Report() string {
	var b strings.Builder
	if out.cfg.Schedule != "" {
		fmt.Fprintf(&b, "%s on %s, schedule %s\n\n", out.Scenario, out.Platform, out.cfg.Schedule)
	} else {
		fmt.Fprintf(&b, "%s on %s, %s seed %d\n\n", out.Scenario, out.Platform, out.cfg.Strategy, out.cfg.Seed)
	}
	fmt.Fprintf(&b, "timeline:\n%s\n", out.Timeline())
	fmt.Fprintf(&b, "spans:\n%s\n", out.Tree())
	fmt.Fprintf(&b, "schedule: %s\n", out.Schedule)
	if out.failure != nil {
		fmt.Fprintf(&b, "FAIL: %v\n", out.failure)
	} else {
		b.WriteString("ok\n")
	}
	return b.String()
}

// RunReal runs the scenario once on real goroutines. As with RunSim, the
// error is nil only for a passing run: a failed one returns its *Failure
// with the Outcome.
func RunReal(sc Scenario, p Platform, cfg Config) (Outcome, error) {
	p, err := platformFor(sc, p, cfg)
	if err != nil {
		return Outcome{}, err
	}
	if !p.Real {
		return Outcome{}, fmt.Errorf("%w: %s runs only under sim", ErrPlatformNotSupported, p.Name)
	}
	e := newRealEnv(p, cfg)
	runErr := sc.Run(e)
	e.Wait()
	out := Outcome{Scenario: sc.Name, Platform: p.Name, cfg: cfg, Spans: e.rec.FinishedRecords()}
	if fail := finalChecks(sc, e, runErr, e.left); fail != nil {
		f := &Failure{Scenario: sc.Name, Platform: p.Name, Command: cfg.Command, Err: fail}
		f.Manager, f.Tracer, f.TracerOptions = callers(cfg, e.tr)
		out.failure = f
		return out, f
	}
	return out, nil
}

// Exploration says which seeds to run.
type Exploration struct {
	// Strategy is the sim strategy explored; empty means Random. It
	// overrides Config.Strategy.
	Strategy Strategy
	// Seeds is how many seeds, starting at FirstSeed. They are drawn one
	// at a time, so memory does not grow with Seeds.
	Seeds int
	// FirstSeed is the first seed run (DFS, which has no seeds, ignores
	// it). FirstSeed+Seeds-1 must not pass the largest uint64.
	FirstSeed uint64
	// Shard and Shards split the seeds: this exploration runs the seeds
	// whose index i has i % Shards == Shard. Zero Shards means 1.
	Shard, Shards int
	// Workers run seeds in parallel; 0 means GOMAXPROCS.
	Workers int
	// StopAtFirst stops at the first failing seed found (still reporting
	// the smallest failing seed among those run).
	StopAtFirst bool
	// Progress, if set, is called after each run with the runs done so far.
	Progress func(done int)
	Config
}

// ErrBadExploration is returned for an Exploration that cannot run: a
// negative budget, a shard out of range, seeds past the largest uint64.
var ErrBadExploration = errors.New("env: bad exploration")

// MaxDistinct bounds Stats.Distinct: past it an exploration stops counting
// distinct schedules, so that its memory stays flat however many seeds it
// runs.
const MaxDistinct = 1 << 20

// Stats summarises an exploration.
type Stats struct {
	// Scenario and Platform are the names of the scenario and platform
	// explored.
	Scenario, Platform string
	// Strategy is the strategy explored (Random if none was given).
	Strategy Strategy
	// Runs counts the runs made. It can be less than the exploration's
	// Seeds: with shards, with StopAtFirst, when a DFS search ends (at
	// its first failure, or with every schedule run), and when the
	// exploration was cut short (Cut).
	Runs int
	// Distinct counts distinct schedules (by hash), up to MaxDistinct.
	Distinct int
	// Failures counts the failing runs.
	Failures int
	// First is the failing run with the smallest seed, or nil. When the
	// determinism re-check (see Explore) finds a run that does not repeat
	// itself, First is that run instead, its Err wrapping
	// sim.ErrNondeterminism, and Failures counts it.
	First *Failure
	// K is the k of PCT's runs (task decisions per run, measured on the
	// scenario first: see PCT); 0 for other strategies. The runs that
	// measure it (sim.Calibrate's, 12 to 68) are not counted in Runs.
	K int
	// Cut reports that the exploration's context ended it before its
	// budget was run (ExploreContext).
	Cut bool
	// Elapsed is the wall-clock time the exploration took.
	Elapsed time.Duration
}

// Explore runs the scenario over many seeds under sim, in parallel, and
// reports the smallest failing seed so that the output does not depend on
// timing. A failing run is in the Stats, not in the error: the error is
// for an exploration that cannot run.
//
// Then, as sim.Explore does, it re-checks determinism with sim.Recheck:
// the first failure and a sample of sim.DefaultRechecks passing seeds
// (under DFS, the failing schedule) run again, twice, with a trace, and a
// run that differs (the scenario reads the wall clock, math/rand, map
// order, package state shared between runs) is reported as the failure:
// no failure of such a scenario can be trusted to replay. An exploration
// its context cut short skips the re-check.
func Explore(sc Scenario, p Platform, x Exploration) (Stats, error) {
	return ExploreContext(context.Background(), sc, p, x)
}

// ExploreContext is Explore, stopping when ctx is done: the runs under way
// finish, no other starts, and the Stats, marked Cut, count the runs made.
func ExploreContext(ctx context.Context, sc Scenario, p Platform, x Exploration) (Stats, error) {
	p, err := platformFor(sc, p, x.Config)
	if err != nil {
		return Stats{}, err
	}
	if x.Strategy == "" {
		x.Strategy = Random
	}
	if x.Shards <= 0 {
		x.Shards = 1
	}
	switch {
	case x.Shard < 0 || x.Shard >= x.Shards:
		return Stats{}, fmt.Errorf("%w: shard %d out of range 0..%d", ErrBadExploration, x.Shard, x.Shards-1)
	case x.Seeds < 0:
		return Stats{}, fmt.Errorf("%w: %d seeds", ErrBadExploration, x.Seeds)
	case x.Seeds > 0 && x.FirstSeed > math.MaxUint64-uint64(x.Seeds-1):
		return Stats{}, fmt.Errorf("%w: %d seeds from %d pass the largest seed, %d", ErrBadExploration, x.Seeds, x.FirstSeed, uint64(math.MaxUint64))
	}
	if x.Strategy == DFS {
		return exploreDFS(ctx, sc, p, x)
	}
	x.Config.Strategy = x.Strategy
	x.Config = x.Config.calibrated(ctx, sc, p) // once, for every seed and the re-check
	// This shard's seeds are FirstSeed+Shard, then every Shards-th:
	// computed as the workers take them, never listed.
	n := 0
	if x.Seeds > x.Shard {
		n = (x.Seeds-x.Shard-1)/x.Shards + 1
	}
	seedAt := func(i int) uint64 { return x.FirstSeed + uint64(x.Shard) + uint64(i)*uint64(x.Shards) }
	workers := x.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	start := time.Now()
	// The seeds re-checked for determinism: every stride-th, the first
	// sim.DefaultRechecks of them, so that the sample does not depend on
	// which worker ran what.
	stride := max(1, n/sim.DefaultRechecks)
	var (
		mu      sync.Mutex // guards the fields below
		sampled [sim.DefaultRechecks]struct {
			ran, failed bool
			schedule    string // the re-check must repeat it
		}
		hashes = make(map[uint64]struct{})
		first  *Failure
		fails  int
		runs   int
		next   atomic.Int64
		stop   atomic.Bool
		wg     sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pool := sim.NewGoroutinePool()
			defer pool.Close()
			for !stop.Load() && ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				cfg := x.Config
				cfg.Strategy, cfg.Seed, cfg.pool = x.Strategy, seedAt(i), pool
				out, f := runSim(sc, p, cfg, false)
				h := fnv.New64a()
				h.Write([]byte(out.Schedule))
				mu.Lock()
				runs++
				if i%stride == 0 && i/stride < len(sampled) {
					sampled[i/stride].ran, sampled[i/stride].failed, sampled[i/stride].schedule = true, f != nil, out.Schedule
				}
				if len(hashes) < MaxDistinct {
					hashes[h.Sum64()] = struct{}{}
				}
				if f != nil {
					fails++
					if first == nil || f.Seed < first.Seed {
						first = f
					}
					if x.StopAtFirst {
						stop.Store(true)
					}
				}
				done := runs
				mu.Unlock()
				if x.Progress != nil {
					x.Progress(done)
				}
			}
		}()
	}
	wg.Wait()
	st := Stats{Scenario: sc.Name, Platform: p.Name, Strategy: x.Strategy, Runs: runs, Distinct: len(hashes), Failures: fails, First: first, K: x.pctK}
	st.Cut = ctx.Err() != nil && runs < n && !stop.Load()
	if ctx.Err() == nil {
		var passed []passedRun
		for j, r := range sampled {
			if r.ran && !r.failed {
				passed = append(passed, passedRun{seedAt(j * stride), r.schedule})
			}
		}
		recheck(&st, sc, p, x.Config, passed)
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// passedRun is a passing seed of an exploration and the schedule it took.
type passedRun struct {
	seed     uint64
	schedule string
}

// recheck runs the first failure of st (if any) and the passing seeds
// again, as sim.Explore does, and makes a run that does not repeat itself
// st's first failure: an error wrapping sim.ErrNondeterminism, since no
// failure of a scenario that escapes the scheduler can be trusted to
// replay.
func recheck(st *Stats, sc Scenario, p Platform, cfg Config, passed []passedRun) {
	runFor := func(seed uint64) sim.RecheckRun {
		c := cfg
		c.Strategy, c.Seed = st.Strategy, seed
		return sim.RecheckRun{Strategy: c.simStrategy}
	}
	var runs []sim.RecheckRun
	if st.First != nil {
		r := runFor(st.First.Seed)
		if st.Strategy == DFS {
			schedule := st.First.Schedule
			r.Strategy = func() sim.Strategy { return sim.Replay(schedule) }
		}
		// No Schedule: the exploration's run ended at its checks, after
		// the run, and a re-run (checkedRoot) at a panic in its last
		// task, so their schedules differ in length by design.
		r.Failed = true
		runs = append(runs, r)
	}
	for _, pr := range passed {
		if st.First == nil || pr.seed != st.First.Seed {
			r := runFor(pr.seed)
			r.Schedule = pr.schedule
			runs = append(runs, r)
		}
	}
	if cfg.pctFirst != nil {
		runs = append(runs, *cfg.pctFirst)
	}
	if cfg.pctFailed != nil {
		runs = append(runs, *cfg.pctFailed)
	}
	f := sim.Recheck(checkedRoot(sc, p, cfg, nil), runs, cfg.stepBound()...)
	if f == nil {
		return
	}
	if st.First == nil || st.Strategy != DFS && f.Seed != st.First.Seed {
		st.Failures++ // a run that passed
	}
	st.First = &Failure{Scenario: sc.Name, Platform: p.Name, Strategy: st.Strategy, Seed: f.Seed, Schedule: f.Schedule, Command: cfg.Command, Err: f}
	if st.Strategy == DFS {
		st.First.Seed = 0
	}
	if f.CalibrationRun {
		// No seed names it: its replay line gives its schedule.
		st.First.FromSchedule, st.First.Seed = true, 0
	}
	st.First.Manager, st.First.Tracer, st.First.TracerOptions = callers(cfg, nil)
}

// simStrategy is the sim strategy of a run of cfg: a replay of its
// Schedule, or its Strategy's for its Seed.
func (cfg Config) simStrategy() sim.Strategy {
	if cfg.Schedule != "" {
		return sim.Replay(cfg.Schedule)
	}
	if cfg.Strategy == "" {
		return Random.sim(cfg.Seed, 0)
	}
	return cfg.Strategy.sim(cfg.Seed, cfg.pctK)
}

// stepBound is the run option of cfg's MaxSteps, if it sets one: the
// options the re-check and calibration runs share with the runs.
func (cfg Config) stepBound() []sim.Option {
	if cfg.MaxSteps > 0 {
		return []sim.Option{sim.WithMaxSteps(cfg.MaxSteps)}
	}
	return nil
}

// calibrated returns cfg with PCT's k measured (within ctx), if its runs
// need one and it has none yet: the k sim.Explore would give PCT on this scenario,
// platform and config, which depends on nothing else, so that a seed
// replays with the k its exploration had.
func (cfg Config) calibrated(ctx context.Context, sc Scenario, p Platform) Config {
	if cfg.Strategy != PCT || cfg.Schedule != "" || cfg.pctK > 0 {
		return cfg
	}
	// A context that ends during calibration ends the exploration
	// before its first seed: the k of the runs made is never used.
	cal := sim.CalibrateContext(ctx, checkedRoot(sc, p, cfg, nil), cfg.stepBound()...)
	cfg.pctK = cal.K
	if first := cal.FirstRun(); first.Strategy != nil {
		cfg.pctFirst = &first
	}
	if failed := cal.FailedRun(); failed.Strategy != nil {
		cfg.pctFailed = &failed
	}
	return cfg
}

// checkedRoot is the sim root of a run of sc whose failed checks are a
// sim failure (a panic with checkFailed), as explorations through sim
// need. last, if set, keeps each run's env, for callers.
func checkedRoot(sc Scenario, p Platform, cfg Config, last *atomic.Pointer[simEnv]) func(s *sim.Sim) {
	return func(s *sim.Sim) {
		e := newSimEnv(s, p, cfg, false)
		if last != nil {
			last.Store(e)
		}
		runErr := sc.Run(e)
		e.Wait()
		if err := finalChecks(sc, e, runErr, e.left); err != nil {
			panic(checkFailed{err})
		}
	}
}

// checkFailed carries a failed check out of a DFS run, as a panic value
// that sim reports with the schedule.
type checkFailed struct{ err error }

// String is the failed check's message, not the error's address: a
// run's trace records its panic value, and the determinism re-check
// compares traces.
func (c checkFailed) String() string { return c.err.Error() }

// cutDFS is the panic that stops a DFS search whose context is done: sim's
// explorer has no context of its own, so the progress callback, called
// between two runs, unwinds it.
type cutDFS struct{}

// exploreDFS runs every schedule within the preemption bound (at most
// x.Seeds of them), through sim's DFS explorer. Only shard 0 runs: the
// search is one sequence.
func exploreDFS(ctx context.Context, sc Scenario, p Platform, x Exploration) (st Stats, err error) {
	st = Stats{Scenario: sc.Name, Platform: p.Name, Strategy: DFS}
	if x.Shard != 0 || x.Seeds == 0 {
		return st, nil
	}
	start := time.Now()
	var last atomic.Pointer[simEnv] // a run's env, for callers
	root := checkedRoot(sc, p, x.Config, &last)
	runs := 0
	progress := func(done, _ int) {
		runs = done
		if x.Progress != nil {
			x.Progress(done)
		}
		if ctx.Err() != nil && done < x.Seeds {
			panic(cutDFS{})
		}
	}
	opts := []sim.ExploreOption{sim.WithStrategySpec(sim.DFS(DFSPreemptions)), sim.WithMaxRuns(x.Seeds), sim.WithWorkers(1),
		sim.WithProgress(progress), sim.WithRunOptions(sim.WithoutTrace())}
	if x.MaxSteps > 0 {
		opts = append(opts, sim.WithRunOptions(sim.WithMaxSteps(x.MaxSteps)))
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(cutDFS); !ok {
				panic(r)
			}
			// Every schedule of a DFS search is new; a failure would
			// have ended the search before the cut.
			st.Runs, st.Distinct, st.Cut, st.Elapsed = runs, runs, true, time.Since(start)
		}
	}()
	res := sim.Explore(root, opts...)
	st.Runs, st.Distinct, st.Failures, st.Elapsed = res.Runs, min(res.Distinct, MaxDistinct), res.Failures, time.Since(start)
	if f := res.Failure; f != nil {
		var fail error = f
		if cf, ok := f.Value.(checkFailed); ok {
			fail = cf.err
		}
		st.First = &Failure{Scenario: sc.Name, Platform: p.Name, Strategy: DFS, Schedule: f.Schedule, Command: x.Command, Err: fail}
		var tr opentracing.Tracer
		if e := last.Load(); e != nil {
			tr = e.tr
		}
		st.First.Manager, st.First.Tracer, st.First.TracerOptions = callers(x.Config, tr)
		if ctx.Err() == nil {
			recheck(&st, sc, p, x.Config, nil)
		}
	}
	return st, nil
}
