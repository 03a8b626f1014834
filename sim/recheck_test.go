package sim_test

import (
	"fmt"
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

// A deterministic scenario passes the recheck, under DFS too.
func TestExplore_DeterministicPassesRecheck(t *testing.T) {
	res := sim.Explore(mixedScenario, sim.WithSeeds(0, 20))
	assert.Nil(t, res.Failure)
}
