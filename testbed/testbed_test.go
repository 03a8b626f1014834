package testbed_test

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed"
	"github.com/tracebed/tracebed/testbed/env"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLookup(t *testing.T) {
	names := testbed.Names()
	require.NotEmpty(t, names)
	assert.IsIncreasing(t, names)
	for _, sc := range testbed.All() {
		got, p, err := testbed.Lookup(sc.Name)
		require.NoError(t, err)
		assert.Nil(t, p)
		assert.Equal(t, sc.Name, got.Name)
		assert.GreaterOrEqual(t, len(sc.Platforms), 3, "%s must run on at least three platforms", sc.Name)
		assert.NotEmpty(t, sc.Broken, "%s must have a broken variant", sc.Name)
		for _, b := range sc.Broken {
			v, p, err := testbed.Lookup(sc.Name + "/" + b.Name)
			require.NoError(t, err)
			require.NotNil(t, p)
			assert.Equal(t, sc.Name+"/"+b.Name, v.Name)
		}
	}
	_, _, err := testbed.Lookup("nosuch")
	assert.True(t, errors.Is(err, testbed.ErrUnknownScenario), "got %v", err)
	_, _, err = testbed.Lookup("clientserver/nosuch")
	assert.Error(t, err)
}

// A manager author's run: the inheriting manager, declared as such, passes
// the scenarios that have an inherit platform.
func TestRunAllWithManager(t *testing.T) {
	testbed.RunAll(t, testbed.Only("clientserver"), testbed.WithManager(env.Inherit, func(s *sim.Sim) opentracing.ScopeManager {
		return scope.NewInheriting(s)
	}))
}

// The same entry point catches a wrong manager: explored under sim, the
// shared-by-every-task manager fails a scenario whose tasks activate spans
// concurrently.
func TestRunAllCatchesALeakyManager(t *testing.T) {
	caught := 0
	for _, sc := range testbed.All() {
		for _, p := range sc.Platforms {
			if p.Propagation != env.Explicit || p.Real {
				continue
			}
			st, err := env.Explore(sc, p, env.Exploration{Strategy: env.Random, Seeds: 100, StopAtFirst: true, Config: env.Config{Manager: env.Leaky}})
			require.NoError(t, err)
			if st.First != nil {
				caught++
			}
		}
	}
	assert.Positive(t, caught, "the leaky manager passed every scenario")
}

// wrapping is a caller's manager: it wraps one of env's.
type wrapping struct{ opentracing.ScopeManager }

// A failure found under the caller's manager cannot be replayed by
// tracebed, which would run the platform's own manager and pass: what
// RunAll prints says how to replay it in the caller's test instead. The
// failing RunAll runs in a child test binary, whose output is checked.
func TestRunAllFailureWithYourManagerSaysHowToReproduce(t *testing.T) {
	if os.Getenv("TESTBED_WRAPPING_CHILD") == "1" {
		testbed.RunAll(t, testbed.Only("latespan"), testbed.WithManager(env.Explicit, func(s *sim.Sim) opentracing.ScopeManager {
			return wrapping{env.Leaky(s)}
		}))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunAllFailureWithYourManagerSaysHowToReproduce$", "-test.v", "-testbed.seeds=30")
	cmd.Env = append(os.Environ(), "TESTBED_WRAPPING_CHILD=1")
	raw, err := cmd.CombinedOutput()
	out := string(raw)
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the leaky manager must fail: %v\n%s", err, out)

	assert.NotContains(t, out, "go run ./cmd/tracebed", "a tracebed replay would run the built-in manager")
	assert.Contains(t, out, "--- FAIL: TestRunAllFailureWithYourManagerSaysHowToReproduce/latespan/tasks/random")
	assert.Contains(t, out, "latespan on tasks, random seed ")
	assert.Contains(t, out, "reproduce in your test, with m the ManagerFunc you passed (it made a testbed_test.wrapping; tracebed replay would run the platform's own manager):\n")
	assert.Contains(t, out, `sc, _, _ := testbed.Lookup("latespan")`)
	assert.Contains(t, out, `p, _ := env.PlatformByName("tasks")`)
	assert.Regexp(t, `_, err := env.RunSim\(sc, p, env.Config\{Manager: m, Strategy: env.Random, Seed: \d+\}\)`, out)
	assert.Regexp(t, `_, err := env.RunSim\(sc, p, env.Config\{Manager: m, Schedule: "[^"]+"\}\)`, out, "the dfs failure replays from its schedule")
	if t.Failed() {
		t.Logf("child output:\n%s", out)
	}

	// Following the recipe reproduces the failure; tracebed's replay,
	// with the built-in manager, would not.
	const call = "env.Config{Manager: m, Strategy: env.Random, Seed: "
	i := strings.Index(out, call)
	require.GreaterOrEqual(t, i, 0)
	seed, _, _ := strings.Cut(out[i+len(call):], "}")
	n, err := strconv.ParseUint(seed, 10, 64)
	require.NoError(t, err)
	sc, _, err := testbed.Lookup("latespan")
	require.NoError(t, err)
	_, err = env.RunSim(sc, env.Tasks, env.Config{Manager: func(s *sim.Sim) opentracing.ScopeManager { return wrapping{env.Leaky(s)} }, Strategy: env.Random, Seed: n})
	assert.Error(t, err, "the recipe's seed %d fails", n)
	_, err = env.RunSim(sc, env.Tasks, env.Config{Strategy: env.Random, Seed: n})
	assert.NoError(t, err, "seed %d passes with the built-in manager", n)
}
