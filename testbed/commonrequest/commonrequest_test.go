package commonrequest_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/commonrequest"
	"github.com/tracebed/tracebed/testbed/env"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCommonRequest(t *testing.T) {
	env.Test(t, commonrequest.Scenario, env.Config{})
}

func TestCommonRequestBroken(t *testing.T) {
	env.TestBroken(t, commonrequest.Scenario)
}

// TestBadSolutionToSetParent asserts the documented WRONG outcome of a
// handler built with a fixed parent context: the request sent after the
// parent ended is its child too (checkBad asserts both links).
func TestBadSolutionToSetParent(t *testing.T) {
	env.Test(t, commonrequest.BadSolution, env.Config{})
}

// TestGoodSolutionToSetParent: the handler reads the implicitly propagated
// parent; only the request sent inside the parent is its child.
func TestGoodSolutionToSetParent(t *testing.T) {
	env.Test(t, commonrequest.GoodSolution, env.Config{})
}

// TestGoodSolutionNeedsPropagation runs the good solution where the active
// span does not follow the request into its hooks' tasks: the request sent
// inside the parent gets no parent, on every schedule. That is why the
// goroutines and tasks platforms fall back on the bad solution.
func TestGoodSolutionNeedsPropagation(t *testing.T) {
	for _, p := range []env.Platform{env.Goroutines, env.Tasks} {
		t.Run(p.Name, func(t *testing.T) {
			sc := commonrequest.GoodSolution
			sc.Platforms = []env.Platform{p}
			for seed := uint64(0); seed < 20; seed++ {
				out, err := env.RunSim(sc, p, env.Config{Seed: seed})
				require.NoError(t, err)
				require.Error(t, out.Err, "seed %d passed:\n%s", seed, out.Tree)
				require.True(t, errors.Is(out.Err, check.ErrCheck), "seed %d: %v", seed, out.Err)
				require.ErrorContains(t, out.Err, "is not a child of", "seed %d", seed)
			}
		})
	}
}
