package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run stops when its decisions reach the most a schedule replays, so
// that its schedule replays: a run of more (two tasks yielding 2.1M times
// each under a raised WithMaxSteps) used to record a schedule that
// DecodeSchedule rejected, and DFS called the scenario nondeterministic.
func TestRun_StopsAtTheMostAScheduleReplays(t *testing.T) {
	defer func(n int) { maxRunDecisions = n }(maxRunDecisions)
	maxRunDecisions = 2 * choiceChunk
	pingPong := func(s *Sim) {
		for range 2 {
			s.Go("yielder", func() {
				for range 10 * choiceChunk {
					s.Yield()
				}
			})
		}
	}
	_, err := Run(pingPong, WithStrategy(Random(1)), WithMaxSteps(1<<30))
	var f *Failure
	require.ErrorAs(t, err, &f)
	require.ErrorIs(t, err, ErrLivelock)
	assert.Contains(t, f.Message, "the most a schedule replays")
	choices, derr := DecodeSchedule(f.Schedule)
	require.NoError(t, derr)
	assert.Len(t, choices, maxRunDecisions)
	_, again := Run(pingPong, WithStrategy(Replay(f.Schedule)), WithMaxSteps(1<<30))
	var g *Failure
	require.ErrorAs(t, again, &g)
	assert.Equal(t, f.Message, g.Message, "the schedule replays to the same failure")
}
