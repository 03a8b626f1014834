package sim_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/sim/internal/faketb"
)

// sharedRuns is package state shared across runs: code that escapes the
// scheduler. The scenarios below change a name or an outcome with it,
// never the number of steps.
var sharedRuns atomic.Int64

// TestExplore_DetectsNondeterministicNames: a passing scenario whose task
// name alternates between runs fails with ErrNondeterminism, naming the
// first event that differs.
func TestExplore_DetectsNondeterministicNames(t *testing.T) {
	root := func(s *sim.Sim) {
		n := sharedRuns.Add(1)
		s.Go(fmt.Sprint("worker", n%2), func() { s.Yield() })
		s.Yield()
	}
	res := sim.Explore(root, sim.WithSeeds(0, 50), sim.WithWorkers(1))
	require.NotNil(t, res.Failure, "%s", res)
	assert.ErrorIs(t, res.Failure, sim.ErrNondeterminism)
	assert.Contains(t, res.Failure.Message, "differed")
}

// TestCheck_DetectsAFailureThatDoesNotReplay: a failure that happens on
// every other run only is reported as nondeterminism.
func TestCheck_DetectsAFailureThatDoesNotReplay(t *testing.T) {
	root := func(s *sim.Sim) {
		x := sim.NewVar(s, 0)
		x.Store(1)
		if sharedRuns.Add(1)%2 == 0 {
			panic("only on even runs")
		}
	}
	ft := faketb.New("TestFlaky")
	sim.Check(ft, root, sim.WithSeeds(0, 20), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, "random")))
	require.True(t, ft.Failed())
	assert.Contains(t, ft.Errors, "nondeterministic")
}

// DFS re-checks too: a passing scenario whose task name alternates
// between runs, and a failure that happens on every other run only, are
// reported as nondeterminism, naming the DFS run.
func TestExploreDFS_DetectsNondeterminism(t *testing.T) {
	names := func(s *sim.Sim) {
		n := sharedRuns.Add(1)
		s.Go(fmt.Sprint("worker", n%2), func() { s.Yield() })
		s.Yield()
	}
	flaky := func(s *sim.Sim) {
		x := sim.NewVar(s, 0)
		s.Go("w", func() { x.Store(2) })
		x.Store(1)
		if sharedRuns.Add(1)%2 == 0 {
			panic("only on even runs")
		}
	}
	for name, root := range map[string]func(*sim.Sim){"names": names, "flaky": flaky} {
		t.Run(name, func(t *testing.T) {
			res := sim.Explore(root, sim.WithStrategySpec(mustSpec(t, "dfs:1")))
			require.NotNil(t, res.Failure, "%s", res)
			assert.ErrorIs(t, res.Failure, sim.ErrNondeterminism)
			assert.Contains(t, res.Failure.Message, "DFS run")
			assert.Contains(t, res.Failure.Report, res.Failure.Message)
			assert.Positive(t, res.Failures, "a reported failure is counted")
		})
	}
}

// A DFS prefix that no longer fits its run is reported as the divergence
// it is, not re-checked into a different report.
func TestExploreDFS_DivergenceStaysADivergence(t *testing.T) {
	var runs int
	root := func(s *sim.Sim) {
		runs++
		n := 3
		if runs >= 3 {
			n = 2 // the third run's prefix asks for option 2
		}
		s.Intn(n)
	}
	res := sim.Explore(root, sim.WithStrategySpec(mustSpec(t, "dfs:2")))
	require.NotNil(t, res.Failure, "%s", res)
	assert.ErrorIs(t, res.Failure, sim.ErrDivergence)
	assert.NotErrorIs(t, res.Failure, sim.ErrNondeterminism)
}

// A deterministic scenario passes the recheck, under DFS too.
func TestExplore_DeterministicPassesRecheck(t *testing.T) {
	res := sim.Explore(mixedScenario, sim.WithSeeds(0, 20))
	assert.Nil(t, res.Failure)
}

// Recheck, called by a harness that runs seeds itself: a scenario that
// reads state shared between runs differs when run twice, a deterministic
// one does not; a run that failed must fail again.
func TestRecheck(t *testing.T) {
	var shared atomic.Int64
	leaky := func(s *sim.Sim) {
		s.Go(fmt.Sprint("worker", shared.Add(1)%2), func() { s.Yield() })
		s.Yield()
	}
	seed := func(n uint64) sim.RecheckRun {
		return sim.RecheckRun{Strategy: func() sim.Strategy { return sim.Random(n) }}
	}
	f := sim.Recheck(leaky, []sim.RecheckRun{seed(3)})
	require.NotNil(t, f)
	assert.ErrorIs(t, f, sim.ErrNondeterminism)
	assert.Equal(t, uint64(3), f.Seed)
	assert.Contains(t, f.Message, `seed 3, run twice, differed: event `)
	assert.Contains(t, f.Message, `worker`)

	assert.Nil(t, sim.Recheck(mixedScenario, []sim.RecheckRun{seed(0), seed(1)}, sim.WithoutTrace()))

	failed := seed(0)
	failed.Failed = true
	f = sim.Recheck(mixedScenario, []sim.RecheckRun{failed})
	require.NotNil(t, f, "it passes when run again")
	assert.Contains(t, f.Message, "passed or failed otherwise when run again")
}

// ExampleRecheck checks that a seed a harness ran replays: the scenario
// reads a counter shared between runs, so its two re-runs differ.
func ExampleRecheck() {
	runs := 0
	root := func(s *sim.Sim) {
		runs++
		s.Go(fmt.Sprint("worker", runs%2), func() {})
	}
	f := sim.Recheck(root, []sim.RecheckRun{{Strategy: func() sim.Strategy { return sim.Random(1) }}})
	fmt.Println(errors.Is(f, sim.ErrNondeterminism))
	// Output: true
}

// lateRuns is package state a scenario counts its runs with: from the
// 11th run of a process on, it behaves otherwise, the same on every run.
var lateRuns atomic.Int64

// Re-runs are compared with the run they repeat, not only with each
// other: a scenario that fails from its 11th run on (a counter shared
// across runs) fails its re-runs the same way twice, which two re-runs
// alone cannot tell from a real failure; the seeds that passed first
// fail now. Seeded and DFS explorations both say so.
func TestExplore_RecheckComparesWithTheFirstRun(t *testing.T) {
	fails := func(s *sim.Sim) {
		late := lateRuns.Add(1) > 10
		s.Go("worker", func() { s.Yield() })
		s.Yield()
		if late {
			panic("a run after the 10th")
		}
	}
	// start sets the counter so that the 11th run comes after a few of
	// the exploration's: after PCT's calibration runs, within DFS's six.
	for _, c := range []struct {
		spec  string
		start int64
	}{{"random", 0}, {"pct:2", -100}, {"dfs:2", 6}} {
		t.Run(c.spec, func(t *testing.T) {
			lateRuns.Store(c.start)
			res := sim.Explore(fails, sim.WithSeeds(0, 200), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, c.spec)))
			require.NotNil(t, res.Failure, "%s", res)
			assert.ErrorIs(t, res.Failure, sim.ErrNondeterminism, "%s", res.Failure)
			assert.Contains(t, res.Failure.Message, "passed when first run")
		})
	}
	// Every run of a PCT exploration fails alike, after calibration runs
	// that passed: the first calibration run, made again, now fails.
	t.Run("pct/after-calibration", func(t *testing.T) {
		lateRuns.Store(0)
		res := sim.Explore(fails, sim.WithSeeds(0, 20), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, "pct:2")))
		require.NotNil(t, res.Failure, "%s", res)
		assert.ErrorIs(t, res.Failure, sim.ErrNondeterminism, "%s", res.Failure)
		assert.Contains(t, res.Failure.Message, "calibration run random(seed=0), run twice, differed: it passed when first run")
		assert.Equal(t, 1, res.RunsToFailure())
		assert.True(t, res.Failure.CalibrationRun)
		assert.Zero(t, res.FailingSeed)
		assert.Contains(t, res.String(), "a calibration run does not repeat itself")
	})
	// Changed steps, the same in both re-runs: a task more from the 11th
	// run on. The schedule of a re-run is not the first run's.
	steps := func(s *sim.Sim) {
		if lateRuns.Add(1) > 10 {
			s.Go("extra", func() { s.Yield() })
		}
		s.Go("worker", func() { s.Yield() })
		s.Yield()
	}
	for _, c := range []struct {
		spec  string
		start int64
	}{{"random", 0}, {"dfs:1", 8}} {
		t.Run("steps/"+c.spec, func(t *testing.T) {
			lateRuns.Store(c.start)
			res := sim.Explore(steps, sim.WithSeeds(0, 40), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, c.spec)))
			require.NotNil(t, res.Failure, "%s", res)
			assert.ErrorIs(t, res.Failure, sim.ErrNondeterminism, "%s", res.Failure)
			assert.Contains(t, res.Failure.Message, "first run")
			assert.False(t, res.Complete)
		})
	}
}

// A nondeterminism report quotes the messages it compares clipped: a
// first failure whose panic value was a megabyte made a megabyte report.
func TestRecheck_ClipsWhatItQuotes(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	lateRuns.Store(0)
	root := func(s *sim.Sim) {
		s.Go("worker", func() { s.Yield() })
		s.Yield()
		if lateRuns.Add(1) == 1 {
			panic(big)
		}
		panic("other")
	}
	res := sim.Explore(root, sim.WithSeeds(0, 1), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, "random")))
	require.NotNil(t, res.Failure)
	require.ErrorIs(t, res.Failure, sim.ErrNondeterminism)
	assert.Less(t, len(res.Failure.Error()), 2000)
	assert.Less(t, len(res.Failure.Report), 2000)

	lateRuns.Store(0)
	logs := func(s *sim.Sim) {
		s.Logf("%s", strings.Repeat("y", int(lateRuns.Add(1))*100_000))
		s.Yield()
	}
	res = sim.Explore(logs, sim.WithSeeds(0, 1), sim.WithWorkers(1), sim.WithStrategySpec(mustSpec(t, "random")))
	require.NotNil(t, res.Failure)
	require.ErrorIs(t, res.Failure, sim.ErrNondeterminism)
	assert.Less(t, len(res.Failure.Report), 2000, "the differing notes are quoted whole")
}

// A calibration run that fails is re-checked as a failing seed is: one
// that fails only on the third run of the process passed the exploration
// unseen, since calibration's failures were dropped.
func TestExplore_RechecksAFailingCalibrationRun(t *testing.T) {
	for _, n := range []int64{2, 3, 6} {
		lateRuns.Store(0)
		root := func(s *sim.Sim) {
			k := lateRuns.Add(1)
			s.Go("x", func() { s.Yield() }).Wait()
			if k == n {
				panic("one run of the process")
			}
		}
		res := sim.Explore(root, sim.WithSeeds(0, 50), sim.WithStrategySpec(mustSpec(t, "pct:2")))
		require.NotNil(t, res.Failure, "run %d: %s", n, res)
		assert.ErrorIs(t, res.Failure, sim.ErrNondeterminism, "run %d", n)
		assert.True(t, res.Failure.CalibrationRun)
	}
}

// The summary of an exploration whose failure is a calibration run's calls
// it nondeterminism only when it is: one that failed again alike is a
// failure like a seed's (it said "does not repeat itself" either way).
func TestExplore_SummaryOfACalibrationFailure(t *testing.T) {
	failed := sim.ExploreResult{Strategy: "pct:2", Failures: 1, Failure: &sim.Failure{Err: sim.ErrPanic, CalibrationRun: true}}
	assert.Contains(t, failed.String(), ", a calibration run failed")
	assert.NotContains(t, failed.String(), "does not repeat")
	nondet := sim.ExploreResult{Strategy: "pct:2", Failures: 1, Failure: &sim.Failure{Err: sim.ErrNondeterminism, CalibrationRun: true}}
	assert.Contains(t, nondet.String(), ", a calibration run does not repeat itself")
}
