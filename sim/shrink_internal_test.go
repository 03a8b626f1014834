package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lostUpdate fails when the two increments interleave: one preemption.
func lostUpdate(s *Sim) {
	x := NewVar(s, 0)
	wg := NewWaitGroup(s)
	for range 2 {
		wg.Go("inc", func() { x.Store(x.Load() + 1) })
	}
	wg.Wait()
	if x.Peek() != 2 {
		panic("lost update")
	}
}

// ShrinkReport says whether its preemption count is proven the fewest:
// not when the bounded search ran out of runs before it had covered every
// smaller bound, as it did, silently, on schedules whose search outgrew
// DefaultShrinkSearchRuns.
func TestShrinkReport_SaysWhenTheSearchRanOut(t *testing.T) {
	res := ExploreResult{}
	for seed := uint64(0); res.Failure == nil; seed++ {
		res = Explore(lostUpdate, WithSeeds(seed, 1), WithStrategySpec(StrategySpec{kind: "random"}))
		require.Less(t, seed, uint64(100))
	}
	full := ShrinkReport(lostUpdate, res.Failure.Schedule)
	require.NotNil(t, full.Failure)
	assert.Equal(t, 1, full.Failure.Preemptions)
	assert.True(t, full.Minimal)
	assert.Contains(t, full.String(), "the fewest")
	assert.Positive(t, full.Runs)

	defer func(n int) { shrinkSearchRuns = n }(shrinkSearchRuns)
	shrinkSearchRuns = 0
	cut := ShrinkReport(lostUpdate, res.Failure.Schedule)
	require.NotNil(t, cut.Failure)
	assert.False(t, cut.Minimal)
	assert.Contains(t, cut.String(), "perhaps not the fewest")

	none := ShrinkReport(lostUpdate, "1:")
	assert.Nil(t, none.Failure)
	assert.False(t, none.Minimal)
}

// A schedule the bounded search found failing, which passes when replayed
// (a scenario that escapes the scheduler now and then), leaves Shrink's
// greedy result, not "the schedule does not fail".
func TestShrinkReport_KeepsItsResultWhenTheSearchDoesNotReplay(t *testing.T) {
	res := ExploreResult{}
	for seed := uint64(0); res.Failure == nil; seed++ {
		res = Explore(lostUpdate, WithSeeds(seed, 1), WithStrategySpec(StrategySpec{kind: "random"}))
		require.Less(t, seed, uint64(100))
	}
	greedy, _, m := shrinkGreedy(lostUpdate, res.Failure.Schedule, nil, func() bool { return false })
	// Run m+1 is the search's first: it fails, whatever its schedule;
	// nothing else does but the lost update.
	n := 0
	root := func(s *Sim) {
		if n++; n == m+1 {
			panic("lost update") // the same kind as the real failure
		}
		lostUpdate(s)
	}
	r := ShrinkReport(root, res.Failure.Schedule)
	require.NotNil(t, r.Failure, "%s", r)
	assert.Equal(t, greedy, r.Schedule)
	assert.False(t, r.Minimal)
}
