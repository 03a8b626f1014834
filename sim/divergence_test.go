package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// A schedule that does not fit the run is printed as given, not as the
// prefix that ran (which replays to a pass), and the message names
// nondeterminism as a likely cause.
func TestReplay_DivergencePrintsTheGivenSchedule(t *testing.T) {
	root := func(s *sim.Sim) {
		wg := sim.NewWaitGroup(s)
		wg.Go("a", func() { s.Yield() })
		wg.Wait()
	}
	for _, given := range []string{"1:05", "1:0000000000"} {
		_, err := sim.Run(root, sim.WithStrategy(sim.Replay(given)))
		require.ErrorIs(t, err, sim.ErrDivergence)
		f := errFailure(t, err)
		assert.Equal(t, given, f.Schedule)
		assert.Contains(t, f.Report, "sim.Replay(\""+given+"\")")
		assert.Contains(t, f.Message, "nondeterministic")
		assert.NotContains(t, f.Message, "answered")
	}
}
