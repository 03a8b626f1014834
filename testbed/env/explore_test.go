package env_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/env"
)

func noop() env.Scenario {
	return env.Scenario{Name: "noop", Platforms: []env.Platform{env.Tasks}, Run: func(env.Env) error { return nil }}
}

// An exploration of 1e8 seeds starts with flat memory: the seeds are drawn
// as they run, never listed (a list took 2.5 GB before the first run).
func TestExploreSeedsLazily(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithCancel(context.Background())
	st, err := env.ExploreContext(ctx, noop(), env.Tasks, env.Exploration{Seeds: 100_000_000, Workers: 1, Progress: func(done int) {
		if done == 10 {
			runtime.ReadMemStats(&after)
			cancel()
		}
	}})
	require.NoError(t, err)
	assert.True(t, st.Cut)
	assert.Equal(t, 10, st.Runs)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "allocated before the 10th run")
}

func TestExploreSeedsPastTheLargest(t *testing.T) {
	_, err := env.Explore(noop(), env.Tasks, env.Exploration{Seeds: 2, FirstSeed: ^uint64(0)})
	assert.ErrorIs(t, err, env.ErrBadExploration)
	st, err := env.Explore(noop(), env.Tasks, env.Exploration{Seeds: 1, FirstSeed: ^uint64(0)})
	require.NoError(t, err)
	assert.Equal(t, 1, st.Runs)
}

// sharedRuns is package state shared across runs: a scenario that reads
// it escapes the scheduler, changing a name or an outcome but never the
// number of steps.
var sharedRuns atomic.Int64

// Explorations re-check determinism as sim.Explore does: a scenario whose
// runs differ by state shared across them is reported, by seed, as
// sim.ErrNondeterminism, whether it passed or its failure does not replay
// (under DFS: a failure that does not replay).
func TestExploreDetectsNondeterminism(t *testing.T) {
	named := env.Scenario{Name: "shared-names", Platforms: []env.Platform{env.Tasks}, Run: func(e env.Env) error {
		n := sharedRuns.Add(1)
		e.Go(fmt.Sprint("worker", n%2), func() { e.Yield() })
		e.Yield()
		return nil
	}}
	flaky := env.Scenario{Name: "shared-outcome", Platforms: []env.Platform{env.Tasks}, Run: func(e env.Env) error {
		e.Yield()
		if sharedRuns.Add(1)%2 == 0 {
			return errors.New("only on even runs")
		}
		return nil
	}}
	for _, sc := range []env.Scenario{named, flaky} {
		for _, strategy := range []env.Strategy{env.Random, env.PCT, env.DFS} {
			t.Run(sc.Name+"/"+string(strategy), func(t *testing.T) {
				sharedRuns.Store(1) // the first run fails
				st, err := env.Explore(sc, env.Tasks, env.Exploration{Strategy: strategy, Seeds: 20, Workers: 1})
				require.NoError(t, err)
				require.NotNil(t, st.First, "%+v", st)
				assert.ErrorIs(t, st.First, sim.ErrNondeterminism)
				assert.Contains(t, st.First.Error(), "run twice, differed")
				assert.Positive(t, st.Failures)
			})
		}
	}
}

// A deterministic scenario passes the re-check.
func TestExploreDeterministicPassesRecheck(t *testing.T) {
	st, err := env.Explore(noop(), env.Tasks, env.Exploration{Seeds: 20, Workers: 2})
	require.NoError(t, err)
	assert.Nil(t, st.First)
	assert.Zero(t, st.Failures)
}

// checkThenAct is sim's asymmetric planted bug on env: a private prefix of
// m queue operations, then a check and an act with a scheduling point
// between, racing a task that sets the flag once. Only runs where the long
// task has priority get to the check, m+3 task decisions in.
func checkThenAct(m int) env.Scenario {
	return env.Scenario{Name: "check-then-act", Platforms: []env.Platform{env.Tasks}, Run: func(e env.Env) error {
		set := false // tasks run one at a time: no lock needed
		var broken error
		private := env.NewQueue[int](e, m+1)
		long := e.Go("long", func() {
			for i := range m {
				private.Put(i)
			}
			checked := set
			private.Put(m)
			if !checked && set {
				broken = errors.New("the flag changed between the check and the act")
			}
		})
		once := e.Go("once", func() { set = true })
		long.Join()
		once.Join()
		return broken
	}}
}

// PCT in explorations draws its change points over the k the scenario's
// runs have, measured as sim.Explore measures it: with a fixed k of 50,
// runs that a change point had cut short fitted it, and pct missed a bug
// 200 decisions in (in 3,000 seeds; it now fails 4 of them, as PCT of
// depth 3 finds a depth-2 bug with probability at least 1/(n·k²) per run).
// A failing seed replays with the same k.
func TestExplorePCTReachesTheBug(t *testing.T) {
	sc := checkThenAct(200)
	st, err := env.Explore(sc, env.Tasks, env.Exploration{Strategy: env.PCT, Seeds: 3000, Workers: 2})
	require.NoError(t, err)
	require.NotNil(t, st.First, "pct missed the bug: %+v", st)
	assert.GreaterOrEqual(t, st.K, 200, "k must reach past the prefix")
	out, err := env.RunSim(sc, env.Tasks, env.Config{Strategy: env.PCT, Seed: st.First.Seed})
	require.Error(t, err, "seed %d must fail again", st.First.Seed)
	assert.Equal(t, st.First.Schedule, out.Schedule)
}

// A scenario that fails from its 11th run in the process on fails every
// run of a PCT exploration alike, after the calibration runs passed: the
// re-check makes the first calibration run again, and it fails now.
func TestExploreRechecksTheCalibration(t *testing.T) {
	sharedRuns.Store(0)
	late := env.Scenario{Name: "late", Platforms: []env.Platform{env.Tasks}, Run: func(e env.Env) error {
		n := sharedRuns.Add(1)
		e.Go("worker", func() { e.Yield() })
		e.Yield()
		if n > 10 {
			return errors.New("a run after the 10th")
		}
		return nil
	}}
	st, err := env.Explore(late, env.Tasks, env.Exploration{Strategy: env.PCT, Seeds: 20, Workers: 1})
	require.NoError(t, err)
	require.NotNil(t, st.First)
	assert.ErrorIs(t, st.First, sim.ErrNondeterminism, "%v", st.First)
	assert.Contains(t, st.First.Error(), "calibration run")
	assert.True(t, st.First.FromSchedule, "no seed names a calibration run: the replay line gives its schedule")
}
