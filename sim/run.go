package sim

import (
	"time"
)

// DefaultMaxSteps is the livelock bound of a run unless [WithMaxSteps]
// says otherwise: a run fails with [ErrLivelock] when it passes this many
// scheduling points in a row without any task starting or ending. It
// bounds the steps without progress, not the run: 100,000 short tasks are
// not a livelock, two tasks handing a value back and forth forever are.
const DefaultMaxSteps = 200_000

// DefaultEpoch is the virtual time at which runs start unless
// [WithStartTime] says otherwise: a fixed date, so that runs compare byte
// for byte.
var DefaultEpoch = time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC)

// Option configures [Run].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	strategy Strategy
	maxSteps int // total bound; 0: DefaultMaxSteps without progress
	epoch    time.Time
	noTrace  bool
	// stallTimeout is the watchdog's limit; see WithStallTimeout.
	stallTimeout time.Duration
	pool         *GoroutinePool // see WithGoroutinePool
}

func defaultConfig() config {
	return config{epoch: DefaultEpoch, stallTimeout: DefaultStallTimeout}
}

// WithStrategy sets the strategy that makes the run's decisions. The default
// is Random(0).
func WithStrategy(st Strategy) Option {
	return optionFunc(func(c *config) { c.strategy = st })
}

// WithMaxSteps bounds the total number of scheduling points of a run,
// instead of the default bound on steps without progress
// ([DefaultMaxSteps]); a run that goes past it fails with [ErrLivelock].
// n <= 0 keeps the default.
func WithMaxSteps(n int) Option {
	return optionFunc(func(c *config) { c.maxSteps = max(n, 0) })
}

// WithStartTime sets the virtual time at which the run starts (default
// [DefaultEpoch]).
func WithStartTime(t time.Time) Option {
	return optionFunc(func(c *config) { c.epoch = t })
}

// WithoutTrace turns off event recording, for speed; [Result.Trace] then
// holds only the task list, and the schedule is still recorded.
func WithoutTrace() Option {
	return optionFunc(func(c *config) { c.noTrace = true })
}

// Result describes a finished run, failed or not.
type Result struct {
	// Schedule replays the run exactly: pass it to [Replay].
	Schedule string
	// Strategy is the name of the strategy that made the decisions.
	Strategy string
	// Seed is the strategy's seed, if it has one.
	Seed uint64
	// Steps is the number of scheduling points passed.
	Steps int
	// Decisions is the number of choices among two or more options.
	Decisions int
	// TaskDecisions is the number of decisions among two or more tasks
	// (the steps k of PCT).
	TaskDecisions int
	// Preemptions counts task decisions that switched away from a task
	// that could have gone on.
	Preemptions int
	// Tasks is the number of tasks spawned, root included.
	Tasks int
	// Elapsed is the virtual time that passed.
	Elapsed time.Duration
	// Trace records the run's events.
	Trace *Trace
	// Runs is the number of times root ran to make this result: 1, or
	// more when [PCT] made the run again with a larger k.
	Runs int

	// pctDepth is a PCT run's depth (0 for other strategies), and
	// pctDropped says PCT dropped a yielder in it (see PCTWithSteps).
	pctDepth   int
	pctDropped bool
	// longest is the most task decisions among the Runs attempts: more
	// than TaskDecisions when PCT made a run again, since it does so for
	// a run longer than its k.
	longest int
}

// Run runs root as task 0 of a new simulation and returns when every task
// has ended, or at the first failure. The error, if any, is a [*Failure]
// wrapping [ErrPanic], [ErrDeadlock], [ErrLivelock], [ErrLeak] or
// [ErrDivergence]; the Result is returned either way.
//
// Under [PCT], a run that passes with more task decisions than PCT's k is
// made again with k raised (see [PCTWithSteps]): root may then run more
// than once, and [Result.Runs] says how many times.
//
// If the strategy panics, Run unwinds every task and re-raises the panic.
//
// Every call owns its scheduler: runs may proceed in parallel on different
// goroutines. When Run returns, every goroutine it started has ended, or,
// with [WithGoroutinePool], waits in the pool.
func Run(root func(s *Sim), opts ...Option) (*Result, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	if cfg.strategy == nil {
		cfg.strategy = Random(0)
	}
	longest := 0
	for attempt := 1; ; attempt++ {
		res, err := runOnce(root, cfg)
		longest = max(longest, res.TaskDecisions)
		res.Runs, res.longest = attempt, longest
		if p, ok := cfg.strategy.(*pctStrategy); ok && err == nil {
			if next := p.again(res.TaskDecisions, attempt); next != nil {
				cfg.strategy = next
				continue
			}
		}
		return res, err
	}
}

// runOnce is one run of root.
func runOnce(root func(s *Sim), cfg config) (*Result, error) {
	s := newSim(cfg)
	defer s.release()
	s.spawn("root", func() { root(s) }, nil, -1)
	w := startWatchdog(s, cfg.stallTimeout)
	defer w.stop() // also if Run's goroutine ends abnormally (a strategy calling t.FailNow)
	s.loop()
	if s.strategyPanic != nil {
		panic(*s.strategyPanic)
	}
	res := s.result()
	if p, ok := cfg.strategy.(*pctStrategy); ok {
		res.pctDepth, res.pctDropped = p.depth, p.dropped
	}
	if s.failure != nil {
		return res, s.failure
	}
	return res, nil
}
