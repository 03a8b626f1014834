package multiplecallbacks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/multiplecallbacks"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestMultipleCallbacks(t *testing.T) {
	env.Test(t, multiplecallbacks.Scenario, env.Config{})
}

func TestMultipleCallbacksBroken(t *testing.T) {
	env.TestBroken(t, multiplecallbacks.Scenario)
}

// explore runs sc on p over n seeds with every strategy and returns the
// stats of each.
func explore(t *testing.T, sc env.Scenario, p env.Platform, n int) []env.Stats {
	t.Helper()
	var all []env.Stats
	for _, st := range env.Strategies() {
		stats, err := env.Explore(sc, p, env.Exploration{Strategy: st, Seeds: n})
		require.NoError(t, err)
		require.Equal(t, n, stats.Runs)
		t.Logf("%s on %s, %s: %d of %d runs failed, %d distinct schedules", sc.Name, p.Name, st, stats.Failures, stats.Runs, stats.Distinct)
		all = append(all, stats)
	}
	return all
}

// TestMultipleYieldLimitation shows Tornado's documented limitation the way
// the Python docs state it: callbacks that run concurrently in one shared
// stack context must not activate spans. When they do, the exploration
// finds mixed-up parents (and, under some schedules, out-of-order closes)
// and the replay reproduces them; the very same code passes on the inherit
// platform for every seed, and the correct stack-context form (callbacks
// only start spans under the implicitly active parent) passes too.
func TestMultipleYieldLimitation(t *testing.T) {
	sc := multiplecallbacks.Scenario
	b, err := sc.BrokenByName(multiplecallbacks.MultipleYield)
	require.NoError(t, err)
	require.Equal(t, env.StackContext.Name, b.Platform.Name)
	broken, p := sc.Variant(b)

	t.Run("stackcontext activating fails", func(t *testing.T) {
		for _, stats := range explore(t, broken, p, env.Seeds()) {
			require.NotNil(t, stats.First, "%s found no failure", stats.Strategy)
			f := stats.First
			require.ErrorIs(t, f, check.ErrCheck)
			msg := f.Error()
			require.True(t, strings.Contains(msg, `is not a child of "parent"`) || strings.Contains(msg, opentracing.MisuseCloseOutOfOrder.String()),
				"want a mixed-up parent or an out-of-order close, got %v", f)

			_, err = env.RunSim(broken, p, env.Config{Strategy: f.Strategy, Seed: f.Seed})
			require.Error(t, err, "replaying seed %d passed", f.Seed)
			require.Equal(t, f.Error(), err.Error())
			replayed, err := env.RunSim(broken, p, env.Config{Schedule: f.Schedule})
			require.Error(t, err, "replaying schedule %q passed", f.Schedule)
			require.Equal(t, f.Schedule, replayed.Schedule)
		}
	})

	t.Run("stackcontext activating fails on every schedule, in two ways", func(t *testing.T) {
		mixed, outOfOrder := 0, 0
		n := env.Seeds()
		for seed := range uint64(n) {
			_, err := env.RunSim(broken, p, env.Config{Seed: seed})
			require.Error(t, err, "seed %d passed", seed)
			msg := err.Error()
			if strings.Contains(msg, `is not a child of "parent"`) {
				mixed++
			}
			if strings.Contains(msg, opentracing.MisuseCloseOutOfOrder.String()) {
				outOfOrder++
			}
		}
		t.Logf("of %d random schedules: %d finished a task under the wrong parent, %d closed scopes out of order", n, mixed, outOfOrder)
		require.Positive(t, mixed, "no schedule mixed up the parents")
		require.Positive(t, outOfOrder, "no schedule closed out of order")
		require.Less(t, outOfOrder, n, "every schedule closed out of order")
	})

	t.Run("same code on inherit passes", func(t *testing.T) {
		inherit := env.Scenario{
			Name:      "multiplecallbacks/activating",
			Platforms: []env.Platform{env.Inheriting},
			Run:       multiplecallbacks.RunActivating,
			Check:     sc.Check,
		}
		for _, stats := range explore(t, inherit, env.Inheriting, env.Seeds()) {
			require.Nil(t, stats.First, "the activating callbacks failed on inherit")
		}
	})

	t.Run("stackcontext start-only passes", func(t *testing.T) {
		for _, stats := range explore(t, sc, env.StackContext, env.Seeds()) {
			require.Nil(t, stats.First, "the correct Tornado form failed")
		}
	})
}

// TestLateIncrDependsOnSchedule pins down that the ref-count bug is an
// interleaving bug: it fails only when the owner releases its reference
// before any callback has taken one.
func TestLateIncrDependsOnSchedule(t *testing.T) {
	b, err := multiplecallbacks.Scenario.BrokenByName("lateincr")
	require.NoError(t, err)
	v, p := multiplecallbacks.Scenario.Variant(b)
	// About 1 random seed in 10 fails: keep 300 seeds even with -short.
	for _, stats := range explore(t, v, p, max(env.Seeds(), 300)) {
		require.Positive(t, stats.Failures, "%s found no failure", stats.Strategy)
		require.Less(t, stats.Failures, stats.Runs, "%s: every run failed", stats.Strategy)
		require.ErrorIs(t, stats.First, check.ErrCheck)
	}
}

func TestRefCount(t *testing.T) {
	var mu fakeLocker
	rc := multiplecallbacks.NewRefCount(&mu, 1)
	require.Equal(t, 2, rc.Incr())
	require.Equal(t, 1, rc.Decr())
	require.Equal(t, 0, rc.Decr())
	require.Equal(t, 3, mu.locks, "every change takes the lock")
	require.False(t, mu.held)
}

// fakeLocker counts Lock calls and catches unbalanced use.
type fakeLocker struct {
	locks int
	held  bool
}

func (l *fakeLocker) Lock() {
	if l.held {
		panic(errors.New("fakeLocker: locked twice"))
	}
	l.held = true
	l.locks++
}

func (l *fakeLocker) Unlock() { l.held = false }

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: norestore's manager loses the parent whenever a callback
// closes its child, on every schedule; lateincr's owner releases first
// only under some.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, multiplecallbacks.Scenario, map[string]bool{multiplecallbacks.NoRestore: true, "lateincr": false})
}
