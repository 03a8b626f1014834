package env

import (
	"errors"
	"fmt"
	"hash/fnv"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
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
	// TracerOptions are added to the MockTracer's options.
	TracerOptions []mocktracer.Option
	// MaxSteps bounds a sim run (livelock detection); 0 keeps sim's default.
	MaxSteps int
}

// Outcome is the result of one run.
type Outcome struct {
	// Err is nil for a passing run, else a *Failure.
	Err error
	// Schedule replays a sim run exactly (empty on real goroutines).
	Schedule string
	// Timeline is sim's text timeline of the run (empty on real goroutines).
	Timeline string
	// Trace is sim's record of the run, for other renderings such as
	// sim.Trace.WriteChrome (nil on real goroutines).
	Trace *sim.Trace
	// Spans are the finished spans, in finish order.
	Spans []*mocktracer.MockSpan
	// Tree is check.Tree of Spans.
	Tree string
}

func platformFor(sc Scenario, p Platform, cfg Config) (Platform, error) {
	if !sc.SupportsPlatform(p) {
		return p, fmt.Errorf("%w: %s does not run on %s", ErrPlatformNotSupported, sc.Name, p.Name)
	}
	if cfg.Manager != nil {
		p.Manager = cfg.Manager
	}
	return p, nil
}

// RunSim runs the scenario once under sim.
func RunSim(sc Scenario, p Platform, cfg Config) (Outcome, error) {
	p, err := platformFor(sc, p, cfg)
	if err != nil {
		return Outcome{}, err
	}
	if cfg.Strategy == "" {
		cfg.Strategy = Random
	}
	var (
		e        *simEnv
		checkErr error
	)
	root := func(s *sim.Sim) {
		e = newSimEnv(s, p, cfg.TracerOptions)
		runErr := sc.Run(e)
		e.Wait()
		checkErr = finalChecks(sc, e, runErr, e.left)
	}
	opts := []sim.Option{sim.WithStrategy(cfg.Strategy.sim(cfg.Seed))}
	if cfg.Schedule != "" {
		opts = []sim.Option{sim.WithStrategy(sim.Replay(cfg.Schedule))}
	}
	if cfg.MaxSteps > 0 {
		opts = append(opts, sim.WithMaxSteps(cfg.MaxSteps))
	}
	res, simErr := sim.Run(root, opts...)
	var out Outcome
	if res != nil {
		out.Schedule = res.Schedule
		if res.Trace != nil {
			out.Trace = res.Trace
			out.Timeline = res.Trace.Timeline()
		}
	}
	var sf *sim.Failure
	if errors.As(simErr, &sf) && out.Schedule == "" {
		out.Schedule = sf.Schedule
	}
	if e != nil {
		out.Spans = e.tr.FinishedSpans()
		out.Tree = check.Tree(out.Spans)
	}
	if fail := errors.Join(simErr, checkErr); fail != nil {
		f := &Failure{Scenario: sc.Name, Platform: p.Name, Strategy: cfg.Strategy, Seed: cfg.Seed, Schedule: out.Schedule, Err: fail}
		if cfg.Schedule != "" {
			f.FromSchedule, f.Seed = true, 0
		}
		f.Manager, f.TracerOptions = callers(cfg, e)
		out.Err = f
	}
	return out, nil
}

// callers says what of the caller's a run used, for its Failure: the type
// of the caller's scope manager (Config.Manager) as the run's tracer holds
// it, if there is one, and whether there were tracer options.
func callers(cfg Config, e *simEnv) (manager string, tracerOptions bool) {
	if cfg.Manager != nil {
		manager = "ScopeManager" // if the run never made it
		if e != nil {
			manager = fmt.Sprintf("%T", e.tr.ScopeManager())
		}
	}
	return manager, len(cfg.TracerOptions) > 0
}

// Report renders a sim run as `tracebed replay` prints it: a header, the
// timeline, the span tree, the schedule and the outcome. For a seeded run
// it is byte-identical every time.
func (out Outcome) Report(scenario, platform string, cfg Config) string {
	var b strings.Builder
	if cfg.Schedule != "" {
		fmt.Fprintf(&b, "%s on %s, schedule %s\n\n", scenario, platform, cfg.Schedule)
	} else {
		fmt.Fprintf(&b, "%s on %s, %s seed %d\n\n", scenario, platform, cfg.Strategy, cfg.Seed)
	}
	fmt.Fprintf(&b, "timeline:\n%s\n", out.Timeline)
	fmt.Fprintf(&b, "spans:\n%s\n", out.Tree)
	fmt.Fprintf(&b, "schedule: %s\n", out.Schedule)
	if out.Err != nil {
		fmt.Fprintf(&b, "FAIL: %v\n", out.Err)
	} else {
		b.WriteString("ok\n")
	}
	return b.String()
}

// RunReal runs the scenario once on real goroutines.
func RunReal(sc Scenario, p Platform, cfg Config) (Outcome, error) {
	p, err := platformFor(sc, p, cfg)
	if err != nil {
		return Outcome{}, err
	}
	if !p.Real {
		return Outcome{}, fmt.Errorf("%w: %s runs only under sim", ErrPlatformNotSupported, p.Name)
	}
	e := newRealEnv(p, cfg.TracerOptions)
	runErr := sc.Run(e)
	e.Wait()
	var out Outcome
	if fail := finalChecks(sc, e, runErr, e.left); fail != nil {
		out.Err = &Failure{Scenario: sc.Name, Platform: p.Name, Err: fail}
	}
	out.Spans = e.tr.FinishedSpans()
	out.Tree = check.Tree(out.Spans)
	return out, nil
}

// Exploration says which seeds to run.
type Exploration struct {
	// Strategy is the sim strategy explored; empty means Random. It
	// overrides Config.Strategy.
	Strategy Strategy
	// Seeds is how many seeds, starting at FirstSeed.
	Seeds int
	// FirstSeed is the first seed run (DFS, which has no seeds, ignores
	// it).
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

// Stats summarises an exploration.
type Stats struct {
	// Scenario and Platform are the names of the scenario and platform
	// explored.
	Scenario, Platform string
	// Strategy is the strategy explored (Random if none was given).
	Strategy Strategy
	// Runs counts the runs made. It can be less than the exploration's
	// Seeds: with shards, with StopAtFirst, and when a DFS search ends
	// (at its first failure, or with every schedule run).
	Runs int
	// Distinct counts distinct schedules (by hash).
	Distinct int
	// Failures counts the failing runs.
	Failures int
	// First is the failing run with the smallest seed, or nil.
	First *Failure
	// Elapsed is the wall-clock time the exploration took.
	Elapsed time.Duration
}

// Explore runs the scenario over many seeds under sim, in parallel, and
// reports the smallest failing seed so that the output does not depend on
// timing.
func Explore(sc Scenario, p Platform, x Exploration) (Stats, error) {
	if _, err := platformFor(sc, p, x.Config); err != nil {
		return Stats{}, err
	}
	if x.Strategy == "" {
		x.Strategy = Random
	}
	if x.Shards <= 0 {
		x.Shards = 1
	}
	if x.Shard < 0 || x.Shard >= x.Shards {
		return Stats{}, fmt.Errorf("env: shard %d out of range 0..%d", x.Shard, x.Shards-1)
	}
	if x.Strategy == DFS {
		return exploreDFS(sc, p, x)
	}
	var seeds []uint64
	for i := 0; i < x.Seeds; i++ {
		if i%x.Shards == x.Shard {
			seeds = append(seeds, x.FirstSeed+uint64(i))
		}
	}
	workers := x.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	start := time.Now()
	var (
		mu       sync.Mutex // guards the fields below
		hashes   = make(map[uint64]struct{})
		failures []*Failure
		runs     int
		next     atomic.Int64
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(seeds) {
					return
				}
				cfg := x.Config
				cfg.Strategy, cfg.Seed = x.Strategy, seeds[i]
				out, _ := RunSim(sc, p, cfg)
				h := fnv.New64a()
				h.Write([]byte(out.Schedule))
				mu.Lock()
				runs++
				hashes[h.Sum64()] = struct{}{}
				if out.Err != nil {
					var f *Failure
					if errors.As(out.Err, &f) {
						failures = append(failures, f)
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
	st := Stats{Scenario: sc.Name, Platform: p.Name, Strategy: x.Strategy, Runs: runs, Distinct: len(hashes), Failures: len(failures), Elapsed: time.Since(start)}
	if len(failures) > 0 {
		sort.Slice(failures, func(i, j int) bool { return failures[i].Seed < failures[j].Seed })
		st.First = failures[0]
	}
	return st, nil
}

// checkFailed carries a failed check out of a DFS run, as a panic value
// that sim reports with the schedule.
type checkFailed struct{ err error }

// exploreDFS runs every schedule within the preemption bound (at most
// x.Seeds of them), through sim's DFS explorer. Only shard 0 runs: the
// search is one sequence.
func exploreDFS(sc Scenario, p Platform, x Exploration) (Stats, error) {
	p, err := platformFor(sc, p, x.Config)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Scenario: sc.Name, Platform: p.Name, Strategy: DFS}
	if x.Shard != 0 {
		return st, nil
	}
	start := time.Now()
	var last atomic.Pointer[simEnv] // a run's env, for callers
	root := func(s *sim.Sim) {
		e := newSimEnv(s, p, x.TracerOptions)
		last.Store(e)
		runErr := sc.Run(e)
		e.Wait()
		if err := finalChecks(sc, e, runErr, e.left); err != nil {
			panic(checkFailed{err})
		}
	}
	opts := []sim.ExploreOption{sim.WithStrategySpec(sim.DFS(DFSPreemptions)), sim.WithMaxRuns(x.Seeds), sim.WithWorkers(1)}
	if x.MaxSteps > 0 {
		opts = append(opts, sim.WithRunOptions(sim.WithMaxSteps(x.MaxSteps)))
	}
	if x.Progress != nil {
		opts = append(opts, sim.WithProgress(func(done, _ int) { x.Progress(done) }))
	}
	res := sim.Explore(root, opts...)
	st.Runs, st.Distinct, st.Failures, st.Elapsed = res.Runs, res.Distinct, res.Failures, time.Since(start)
	if f := res.Failure; f != nil {
		var fail error = f
		if cf, ok := f.Value.(checkFailed); ok {
			fail = cf.err
		}
		st.First = &Failure{Scenario: sc.Name, Platform: p.Name, Strategy: DFS, Schedule: f.Schedule, Err: fail}
		st.First.Manager, st.First.TracerOptions = callers(x.Config, last.Load())
	}
	return st, nil
}
