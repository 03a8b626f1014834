package sim_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

func TestTimeline_LanePerTask(t *testing.T) {
	res, err := sim.Run(func(s *sim.Sim) {
		m := sim.NewMutex(s)
		m.Lock()
		wg := sim.NewWaitGroup(s)
		wg.Go("worker", func() {
			m.Lock()
			s.Logf("got the lock at %v", s.Elapsed())
			m.Unlock()
		})
		s.Sleep(time.Second)
		m.Unlock()
		wg.Wait()
	}, sim.WithStrategy(sim.Random(1)))
	require.NoError(t, err)
	tl := res.Trace.Timeline()
	lines := strings.Split(tl, "\n")
	assert.Contains(t, lines[0], "| timers")
	assert.Contains(t, lines[0], "| 0 root")
	assert.Contains(t, lines[0], "| 1 worker")
	assert.Contains(t, tl, "lock mutex#1")
	assert.Contains(t, tl, "· got the lock at 1s")
	assert.Contains(t, tl, "sleep →+1s")
	// Every row has one cell filled, in the lane of its task.
	for _, l := range lines[1:] {
		if strings.Contains(l, "got the lock") {
			cells := strings.Split(l, "|")
			require.Len(t, cells, 4, l)
			assert.Contains(t, cells[3], "got the lock")
		}
	}
}

func TestWriteChrome_ValidJSON(t *testing.T) {
	res, err := sim.Run(mixedScenario, sim.WithStrategy(sim.Random(3)))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, res.Trace.WriteChrome(&buf))
	var evs []map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &evs))
	phases := map[string]int{}
	for _, e := range evs {
		phases[e["ph"].(string)]++
	}
	assert.Equal(t, res.Tasks, phases["M"])
	assert.Greater(t, phases["X"], res.Tasks-1)
	assert.Greater(t, phases["i"], 10)
}
