package testbed_test

import (
	"errors"
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
