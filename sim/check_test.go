package sim_test

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/sim/internal/faketb"
)

func TestCheck_ReportsSmallestSeedAndReproduceLine(t *testing.T) {
	ft := faketb.New("TestLost/update")
	sim.Check(ft, lostUpdate, sim.WithSeeds(0, 200), sim.WithStrategySpec(mustSpec(t, "random")))
	require.True(t, ft.Failed())
	res := sim.Explore(lostUpdate, sim.WithSeeds(0, 200), sim.WithStrategySpec(mustSpec(t, "random")), sim.WithWorkers(1))
	require.NotNil(t, res.Failure)
	assert.Contains(t, ft.Errors, fmt.Sprintf("go test -run '^TestLost$/^update$' ./sim -args -sim.seed=%d -sim.strategy=random\n", res.FailingSeed))
	assert.Contains(t, ft.Errors, "-sim.schedule='"+res.Failure.Schedule+"'")
	assert.Contains(t, ft.Errors, "lost update")
	// The lost update needs one preemption: the shrunk line says so.
	assert.Contains(t, ft.Errors, "shrunk (task 0 \"root\" panicked: lost update: x = 1, want 2; 1 preemptions, the fewest: no schedule with fewer fails so): go test")
}

func TestCheck_PassesCleanScenario(t *testing.T) {
	ft := faketb.New("TestClean")
	sim.Check(ft, func(s *sim.Sim) {
		x := sim.NewVar(s, 0)
		m := sim.NewMutex(s)
		wg := sim.NewWaitGroup(s)
		for range 2 {
			wg.Go("inc", func() {
				m.Lock()
				x.Store(x.Load() + 1)
				m.Unlock()
			})
		}
		wg.Wait()
		if x.Peek() != 2 {
			panic("lost update")
		}
	}, sim.WithSeeds(0, 100))
	assert.False(t, ft.Failed(), ft.Errors)
	require.Len(t, ft.Logs, 1)
	assert.Contains(t, ft.Logs[0], "100 runs (portfolio)")
	// Of seeds 0..99, the portfolio runs PCT depth 2 on those with
	// seed%3 == 1: 33 of them.
	assert.Regexp(t, `a depth-2 bug would be missed by all 33 PCT depth-2 runs \(k=[0-9]+, 3 tasks\) with probability <=`, ft.Logs[0])
}

func TestExplore_ParallelResultIndependentOfWorkers(t *testing.T) {
	for _, bug := range gateBugs {
		one := sim.Explore(bug.root, sim.WithSeeds(100, 300), sim.WithWorkers(1))
		many := sim.Explore(bug.root, sim.WithSeeds(100, 300), sim.WithWorkers(8))
		assert.Equal(t, one.String(), many.String(), bug.name)
		require.NotNil(t, one.Failure, bug.name)
		assert.Equal(t, one.Failure.Schedule, many.Failure.Schedule, bug.name)
	}
}

func TestDFS_EnumeratesAllInterleavings(t *testing.T) {
	// Two tasks of two steps each, after the spawns: DFS with a large
	// bound visits every interleaving once.
	root := func(s *sim.Sim) {
		wg := sim.NewWaitGroup(s)
		for range 2 {
			wg.Go("w", func() {
				s.Yield()
				s.Yield()
			})
		}
		wg.Wait()
	}
	full := sim.Explore(root, sim.WithStrategySpec(sim.DFS(100)))
	assert.True(t, full.Complete)
	assert.Equal(t, full.Runs, full.Distinct, "DFS must not repeat a schedule")
	bounded := sim.Explore(root, sim.WithStrategySpec(sim.DFS(0)))
	assert.True(t, bounded.Complete)
	assert.Less(t, bounded.Runs, full.Runs)
	assert.Greater(t, bounded.Runs, 1)
}

func TestSchedule_RoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		choices := rapid.SliceOf(rapid.OneOf(rapid.IntRange(0, 3), rapid.IntRange(0, 1000))).Draw(rt, "choices")
		got, err := sim.DecodeSchedule(sim.EncodeSchedule(choices))
		require.NoError(rt, err)
		if len(choices) == 0 {
			assert.Empty(rt, got)
			return
		}
		assert.Equal(rt, choices, got)
	})
}

func TestParseStrategy(t *testing.T) {
	tests := []struct {
		give, want string
		wantErr    bool
	}{
		{"random", "random", false},
		{"pct", "pct:3", false},
		{"pct:2", "pct:2", false},
		{"dfs", "dfs:2", false},
		{"dfs:0", "dfs:0", false},
		{"portfolio", "portfolio", false},
		{"pct:0", "", true},
		{"random:1", "", true},
		{"bogus", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			sp, err := sim.ParseStrategy(tt.give)
			if tt.wantErr {
				assert.ErrorIs(t, err, sim.ErrBadStrategy)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, sp.String())
		})
	}
}

func TestShrink_FromRandomFailures(t *testing.T) {
	res := sim.Explore(lostUpdate, sim.WithSeeds(0, 300), sim.WithStrategySpec(mustSpec(t, "random")), sim.WithAllSeeds())
	require.Greater(t, res.Failures, 10)
	for seed := range uint64(40) {
		r, err := sim.Run(lostUpdate, sim.WithStrategy(sim.Random(seed)))
		if err == nil {
			continue
		}
		short, f := sim.Shrink(lostUpdate, r.Schedule)
		require.NotNil(t, f, "seed %d", seed)
		choices, err := sim.DecodeSchedule(short)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(choices), 6, "seed %d: %s -> %s", seed, r.Schedule, short)
		again, err := sim.Run(lostUpdate, sim.WithStrategy(sim.Replay(short)))
		require.ErrorIs(t, err, sim.ErrPanic, "seed %d: %s", seed, short)
		assert.Equal(t, 1, again.Preemptions, "seed %d: %s", seed, short)
	}
}

func TestShrink_PassingScheduleUnchanged(t *testing.T) {
	got, f := sim.Shrink(func(s *sim.Sim) {}, "1:")
	assert.Nil(t, f)
	assert.Equal(t, "1:", got)
}

// TestCheck_BadEnvIsATestFailure runs this test binary again with a bad
// SIM_SEED: the binary must start (no panic while the package loads), and
// Check must fail the test with one line naming the variable.
func TestCheck_BadEnvIsATestFailure(t *testing.T) {
	if os.Getenv("SIM_TEST_BAD_ENV_CHILD") == "1" {
		sim.Check(t, func(s *sim.Sim) {}, sim.WithSeeds(0, 1))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCheck_BadEnvIsATestFailure$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SIM_TEST_BAD_ENV_CHILD=1", "SIM_SEED=x")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the child should fail: %s", out)
	assert.Equal(t, 1, exit.ExitCode(), "%s", out)
	assert.Contains(t, string(out), `sim: SIM_SEED="x": want an unsigned integer`)
	assert.Contains(t, string(out), "--- FAIL: TestCheck_BadEnvIsATestFailure")
	assert.NotContains(t, string(out), "panic")
}

// firstOrLast is a user's strategy: by seed parity it always runs the
// first or the last runnable task. It implements sim.Seeded.
type firstOrLast struct{ seed uint64 }

func (f firstOrLast) Name() string { return fmt.Sprintf("firstorlast(seed=%d)", f.seed) }
func (f firstOrLast) Seed() uint64 { return f.seed }
func (f firstOrLast) Choose(d *sim.Decision) int {
	if f.seed%2 == 1 {
		return d.N - 1
	}
	return 0
}

// A user's strategy runs under Explore and Check through StrategyFunc: its
// failures carry its seed, and the reproduce line replays by seed alone.
func TestStrategyFunc_CustomStrategyExplores(t *testing.T) {
	spec := sim.StrategyFunc("firstorlast", func(seed uint64, _ int) sim.Strategy { return firstOrLast{seed} })
	assert.Equal(t, "firstorlast", spec.String())
	res := sim.Explore(lostUpdate, sim.WithSeeds(0, 4), sim.WithStrategySpec(spec), sim.WithAllSeeds())
	assert.Equal(t, 4, res.Runs)
	require.NotNil(t, res.Failure, "always running the last task interleaves the two increments")
	assert.Equal(t, uint64(1), res.FailingSeed)
	assert.Equal(t, uint64(1), res.Failure.Seed)
	assert.Equal(t, "firstorlast(seed=1)", res.Failure.Strategy)
	assert.Equal(t, 2, res.Failures, "odd seeds fail, even ones pass")

	ft := faketb.New("TestCustom")
	sim.Check(ft, lostUpdate, sim.WithSeeds(0, 4), sim.WithStrategySpec(spec))
	require.True(t, ft.Failed())
	assert.Contains(t, ft.Errors, "-args -sim.seed=1\n")
	assert.NotContains(t, ft.Errors, "-sim.strategy=")
}

// Explore reports its wall time and the time per run (sim.md's
// statistics), outside String, which stays the same for the same seeds.
func TestExplore_ElapsedAndPerRun(t *testing.T) {
	res := sim.Explore(lostUpdate, sim.WithSeeds(0, 50), sim.WithAllSeeds())
	require.Equal(t, 50, res.Runs)
	assert.Equal(t, res.Elapsed/50, res.PerRun())
	assert.NotContains(t, res.String(), res.Elapsed.String())
	assert.Zero(t, sim.ExploreResult{}.PerRun(), "no runs, no time per run")
}
