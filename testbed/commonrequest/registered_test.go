package commonrequest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed"
	"github.com/tracebed/tracebed/testbed/commonrequest"
	"github.com/tracebed/tracebed/testbed/env"
)

// TestSolutionsAreRegistered: the tool and RunAll run the bad and the good
// solution too, under their own names; the bad one registered with the
// Check of its documented wrong outcome, so that it passes.
func TestSolutionsAreRegistered(t *testing.T) {
	for _, want := range []env.Scenario{commonrequest.BadSolution, commonrequest.GoodSolution} {
		got, p, err := testbed.Lookup(want.Name)
		require.NoError(t, err)
		require.Nil(t, p)
		require.Equal(t, want.Name, got.Name)
		require.NotEmpty(t, got.Broken, "%s: the testbed must be able to fail", got.Name)
		for _, plat := range got.Platforms {
			_, err := env.RunSim(got, plat, env.Config{Seed: 1})
			require.NoError(t, err, "%s on %s", got.Name, plat.Name)
		}
	}
}

// TestRunAllExercisesTheImplicitParent: a caller's inheriting manager runs
// on the good solution, the part of the scenario that reads the implicitly
// propagated active span.
func TestRunAllExercisesTheImplicitParent(t *testing.T) {
	testbed.RunAll(t, testbed.Only(commonrequest.GoodSolution.Name), testbed.WithManager(env.Inherit, func(s *sim.Sim) opentracing.ScopeManager {
		return scope.NewInheriting(s)
	}))
}
