// Package sim is a deterministic scheduler for testing concurrent Go code:
// it runs a scenario's tasks one at a time, choosing the interleaving with a
// seeded strategy, so that a concurrency bug found once can be replayed
// exactly, and virtual time makes timeouts instant.
//
// A test runs a scenario under many seeds with [Check]:
//
//	func TestCounter(t *testing.T) {
//		sim.Check(t, func(s *sim.Sim) {
//			n := sim.NewVar(s, 0)
//			wg := sim.NewWaitGroup(s)
//			for range 2 {
//				wg.Go("inc", func() { n.Store(n.Load() + 1) })
//			}
//			wg.Wait()
//			if n.Peek() != 2 {
//				panic("lost update")
//			}
//		})
//	}
//
// It fails with the smallest failing seed, what every task was doing, and
// the go test lines that replay the failure: by seed, by schedule and,
// when [Shrink] found a shorter one, by the minimal schedule.
//
// # Tasks and scheduling points
//
// [Run] runs a root function as task 0; it starts more tasks with [Sim.Go].
// Each task runs on a goroutine of its own while it lives (a goroutine
// whose task returned serves the next task to start, and with
// [WithGoroutinePool], as in [Explore] and [Check], the next run's
// tasks), but only one runs at a time:
// control passes between them only at scheduling points, where the strategy
// chooses who runs next. The scheduling points are exactly:
//
//   - [Sim.Go] (spawn), [Sim.Yield], [Sim.Sleep], [Sim.Select], [Task.Wait];
//   - every access of a [Var] (memory that tasks race on) but [Var.Peek];
//   - [Chan.Send], [Chan.Recv], [Chan.Close];
//   - [Mutex.Lock], [Mutex.TryLock], [Mutex.Unlock];
//   - [RWMutex.Lock], [RWMutex.TryLock], [RWMutex.Unlock], [RWMutex.RLock],
//     [RWMutex.TryRLock], [RWMutex.RUnlock] (and so the Lock and Unlock of
//     [RWMutex.RLocker]);
//   - [Cond.Wait] (through its Locker's Unlock and Lock), [Cond.Signal],
//     [Cond.Broadcast];
//   - [WaitGroup.Done], [WaitGroup.Wait];
//   - [Future.Resolve], [Future.Get], and [Future.Then] on a resolved future;
//   - the boundary between two [Loop] callbacks, [Loop.Wait], [NewLoop].
//
// Everything else (reading [Sim.Now], [Local] values, [WaitGroup.Add],
// [Loop.CallSoon], [Future.Done], [Sim.Intn]) runs without interruption.
// Code under test must not use the go statement, sync.Mutex, sync.RWMutex,
// sync.Cond or channels between tasks: those escape the scheduler; sim's
// [Mutex], [RWMutex] and [Cond] (on a sim [Locker]) take their place.
// [Local] is task-local storage, inherited by spawned tasks and callbacks
// or not; [Sim.WithTimeout] and [Sim.WithCancel] make contexts whose
// deadlines run on virtual time.
//
// # Strategies
//
// Every nondeterministic choice of a run (the next task, a [Sim.Select]
// case, the order of timers due at the same instant, [Sim.Intn], the
// waiter a [Cond.Signal] wakes) is a decision of one [Strategy]. [Random]
// picks uniformly; [PCT] is probabilistic concurrency testing (Burckhardt
// et al. 2010), which finds a bug of depth d in a run of n tasks and k task
// decisions with probability at least 1/(n·k^(d-1)) per run; bounded
// exhaustive search ([DFS], for [Explore] and [Check]) runs every schedule
// within a preemption bound; [Replay] follows a recorded schedule; package
// simrapid's Strategy draws the decisions from rapid. Strategy is an
// interface: a user can add one, run it with [WithStrategy], and explore
// it over many seeds with [StrategyFunc]. PCT's guarantee covers a bug
// whose change points lie within the first k task decisions, so k must
// reach as far as runs go: [Explore] and [Check] measure it first with
// [Calibrate] (PCT runs without change points among them, which run each
// priority order to its end), a run longer than its k is made again with a
// larger one ([PCTWithSteps]), and [Check] prints a miss bound only when
// no run went further than that k ([ExploreResult.MissBound],
// [ExploreResult.LongestRun]). A scheduling step costs O(log n)
// in the number of tasks under every built-in strategy, and allocates
// nothing.
// [Explore] and [Check] take a [StrategySpec] ("random", "pct:3", "dfs:2",
// or the default "portfolio", which picks the strategy from the seed), so
// that a seed alone replays a run.
//
// # Virtual time
//
// [Sim.Now], [Sim.Sleep], [Sim.After], [Sim.NewTimer] and [Sim.AfterFunc]
// run on a virtual clock that starts at [DefaultEpoch]. It stands still
// while any task can run and jumps to the next timer when every task is
// blocked, so no run waits on the wall clock. A timer that is due (its
// instant has come) is a choice at every scheduling point: the strategy
// may fire it before the next task step or let the tasks go on first
// (counted as a preemption), so both orders are reachable and replay, and
// a task polling a due deadline (`for ctx.Err() == nil { s.Yield() }`
// after sleeping to it) sees it fire. A task polling a future instant in
// a Yield loop, though, never sees it come: the polling task can run, so
// time stands still, and the run ends as a livelock. Wait for time with
// [Sim.Sleep], a timer, [Sim.Select], [Sim.WaitDone]; wait for a task with
// [Task.Wait].
//
// # Progress
//
// A task that yields lets every other runnable task go first: at a
// [Sim.Yield] the yielder is the last option and the next task round the
// ring the first (every option but that first is a preemption, so the
// default choice of DFS, [ReplayPrefix] and shrinking hands the turn round
// the ring), and under PCT it drops below every priority when
// it yields a second time with no other task run since (one Yield keeps
// PCT's bound for a bug that needs the yielder to go on). A
// join written as `for !t.Done() { s.Yield() }` therefore ends under every
// strategy while t can run, and tasks polling one another's flags in
// Yield loops take turns round all of them (at a Yield the other tasks'
// options run from the yielder's id on, wrapping round). If t waits on
// virtual time (it sleeps, or waits for a timer), the loop is the polling
// livelock of the section above: [Task.Wait] needs no loop and always
// ends.
//
// # Failures
//
// A run fails with a [*Failure] wrapping [ErrPanic] (a task panicked or
// called runtime.Goexit, as t.FailNow does), [ErrDeadlock] (no task can
// run and no timer is pending), [ErrLivelock] ([DefaultMaxSteps]
// scheduling points in a row without a task starting or ending, or the
// total bound of [WithMaxSteps] passed), [ErrLeak] (the root returned but tasks can
// never end) or [ErrDivergence] (a replayed schedule does not fit the run).
// The failure carries the seed, the strategy and the schedule, and its
// Report lists every task and what it waits on. After a failure every
// goroutine of the run is unwound: each task's defers run, and no recover
// in user code can stop it.
//
// Code that escapes the scheduler is caught where it can be: a sim
// primitive called from a goroutine that is not a task (a go statement in a
// task) panics saying so, and a task that blocks outside the scheduler (a
// real sync.Mutex, a Go channel, I/O) or runs without a scheduling point
// for [DefaultStallTimeout] (of wall time while it blocks, of the process's
// CPU time while it runs, so that a loaded machine does not trip it) trips
// a watchdog, which writes the strategy, seed, task and every stack to standard error and ends the
// program, since such a task can be neither unblocked nor unwound
// ([WithStallTimeout]).
//
// # Replay and shrinking
//
// A schedule is a compact string such as "1:0012221011", one option index
// per decision; [Result.Schedule] and [Failure.Schedule] hold it, and
// [Replay] makes the same run again, decision for decision. [Shrink]
// minimises a failing schedule (fewer preemptions, fewer decisions); its
// result ends in "+", a prefix after which every decision is the default.
// After its greedy passes it searches every schedule with 0, 1, 2...
// preemptions, as [DFS] does, within [DefaultShrinkSearchRuns] runs, so
// that the preemption count of the result is the smallest at which a
// bounded DFS finds the bug: an empirical depth of it.
//
// # Nondeterminism
//
// A scenario must be deterministic apart from sim's decisions. [Explore]
// and [Check] run the failing seed and [DefaultRechecks] passing ones
// again (under DFS, the failing schedule and passing ones sampled over
// the search), twice each with a trace, and fail with
// [ErrNondeterminism], naming the first event that differs, when two
// runs of one seed differ (code that reads map iteration order,
// time.Now, math/rand, goroutine ids or state shared between runs). A
// harness that runs seeds itself checks the same with [Recheck] (package
// testbed/env does). A replayed schedule or a DFS prefix that no longer
// fits its run fails with [ErrDivergence], naming the same likely cause,
// and prints the schedule that was given.
//
// # Bounding an exploration
//
// [WithContext] and [WithTimeBudget] stop [Explore] and [Check] from
// starting more runs; the result says what ran ([ExploreResult.CutShort],
// Runs, Distinct, Complete for DFS), and Check's summary says it was cut
// short.
//
// # Testing integration
//
// [Check] runs a scenario over many seeds ([DefaultSeeds]; -short runs a
// tenth), in parallel across GOMAXPROCS workers, and reports the smallest
// failing seed whatever the timing of the workers. Under go test -v it
// logs a progress count every few seconds, and a summary at the end. These
// flags of the test binary, or the environment variables named after them,
// override its options, so that the printed line reproduces the failure:
//
//	-sim.seed=N        SIM_SEED      run only seed N
//	-sim.schedule=S    SIM_SCHEDULE  replay schedule S
//	-sim.strategy=X    SIM_STRATEGY  strategy spec (default portfolio)
//	-sim.seeds=N|A-B   SIM_SEEDS     how many seeds, or which
//
// For example: go test -run '^TestCounter$' ./pkg -args -sim.seed=1. A bad
// value of a variable fails the test that calls Check, naming it. [Explore]
// is the same exploration without a test: it returns an [ExploreResult].
//
// # Rapid mode
//
// Package [github.com/tracebed/tracebed/sim/simrapid] runs a scenario
// under rapid (pgregory.net/rapid), with every decision drawn from rapid,
// so that rapid's shrinker reduces a failing schedule towards fewer
// preemptions; it then finishes the job with [Shrink] and prints the
// result. It is a package of its own so that sim does not bring rapid, and
// the flags rapid registers, into programs that only schedule tasks.
//
// # Traces and timelines
//
// A run records a [Trace] ([Result.Trace], unless [WithoutTrace]): every
// decision, spawn, block, operation, exit and timer, with its step and
// virtual time, the notes of [Sim.Logf], and the intervals of [Sim.Begin]
// and [Sim.End] (a span, a request: a stretch of the run that may open on
// one task and close on another). [Trace.Timeline] renders it as text with
// one lane per task, [Trace.WriteChrome] as Chrome trace-event JSON
// (Perfetto opens it), and [Trace.Hash] fingerprints it: the same seed
// gives a byte-identical trace.
package sim
