package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// minPreemptions is a bug's true depth: the smallest preemption bound at
// which DFS finds it.
func minPreemptions(t *testing.T, bug plantedBug) int {
	t.Helper()
	for bound := 0; bound <= 3; bound++ {
		res := sim.Explore(bug.root, sim.WithStrategySpec(sim.DFS(bound)), sim.WithMaxRuns(50_000))
		if res.Failure != nil {
			return bound
		}
		require.True(t, res.Complete, "dfs:%d incomplete: %s", bound, res)
	}
	t.Fatalf("%s: not found by dfs:3", bug.name)
	return -1
}

// TestShrink_ReachesTheMinimum: on every planted bug, the schedule Shrink
// returns from a random (or PCT) failing run has exactly the preemptions of the
// first failure a bounded DFS finds. On the relay (B7) greedy passes stop
// at dozens of preemptions, where two suffice.
func TestShrink_ReachesTheMinimum(t *testing.T) {
	bugs := append(append(append([]plantedBug(nil), gateBugs...), paddedBugs...), relayBug)
	for _, bug := range bugs {
		t.Run(bug.name, func(t *testing.T) {
			want := minPreemptions(t, bug)
			assert.Equal(t, bug.depth, want+1, "the listed PCT depth is the DFS depth plus one")
			// Start from Random's failure, which has the most preemptions
			// to shrink, or PCT's where Random finds none (B8).
			res := sim.Explore(bug.root, sim.WithSeeds(0, 20_000), sim.WithStrategySpec(mustSpec(t, "random")))
			if res.Failure == nil {
				res = sim.Explore(bug.root, sim.WithSeeds(0, 20_000), sim.WithStrategySpec(mustSpec(t, "pct:3")))
			}
			require.NotNil(t, res.Failure, "neither random nor pct:3 found it: %s", res)
			short, f := sim.Shrink(bug.root, res.Failure.Schedule)
			require.NotNil(t, f, "the shrunk schedule %s must fail", short)
			assert.ErrorIs(t, f, bug.kind)
			assert.Equal(t, want, f.Preemptions, "shrunk %s from %s (%d preemptions)", short, res.Failure.Schedule, res.Failure.Preemptions)
			again, err := sim.Run(bug.root, sim.WithStrategy(sim.Replay(short)))
			assert.ErrorIs(t, err, bug.kind)
			assert.Equal(t, want, again.Preemptions)
		})
	}
}

// A short string with large repeat counts is rejected, not decoded into
// gigabytes: the decoded length is bounded in all.
func TestDecodeSchedule_BoundsTotalLength(t *testing.T) {
	s := "1:0"
	for range 5 {
		s += "_16777216.1"
	}
	require.Less(t, len(s), 60)
	_, err := sim.DecodeSchedule(s)
	require.ErrorIs(t, err, sim.ErrBadSchedule)
	got, err := sim.DecodeSchedule("1:0_1000.")
	require.NoError(t, err)
	assert.Len(t, got, 1000)
}
