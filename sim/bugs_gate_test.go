package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// TestPlantedBugs_Found is the gate: Random and PCT each find every minimal
// planted bug within the seed budget of a normal test run, and the failure
// replays from its schedule.
func TestPlantedBugs_Found(t *testing.T) {
	seeds := 1000
	if testing.Short() {
		seeds = 200
	}
	specs := []sim.StrategySpec{mustSpec(t, "random"), mustSpec(t, "pct:3"), sim.DFS(2)}
	for _, bug := range gateBugs {
		for _, spec := range specs {
			t.Run(bug.name+"/"+spec.String(), func(t *testing.T) {
				res := sim.Explore(bug.root, sim.WithSeeds(0, seeds), sim.WithStrategySpec(spec))
				require.NotNil(t, res.Failure, "not found in %s", res)
				assert.ErrorIs(t, res.Failure, bug.kind)
				_, err := sim.Run(bug.root, sim.WithStrategy(sim.Replay(res.Failure.Schedule)))
				require.Error(t, err)
				assert.ErrorIs(t, err, bug.kind)
				assert.Equal(t, res.Failure.Message, errFailure(t, err).Message)
			})
		}
	}
}

func mustSpec(t testing.TB, s string) sim.StrategySpec {
	t.Helper()
	sp, err := sim.ParseStrategy(s)
	require.NoError(t, err)
	return sp
}

func errFailure(t testing.TB, err error) *sim.Failure {
	t.Helper()
	var f *sim.Failure
	require.ErrorAs(t, err, &f)
	return f
}
