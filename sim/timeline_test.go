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
	lines := strings.Split(strings.TrimSuffix(tl, "\n"), "\n")
	header := strings.Split(lines[0], "|")
	require.Len(t, header, 5, lines[0])
	assert.Equal(t, "decision", strings.TrimSpace(header[1]))
	assert.Equal(t, "timers", strings.TrimSpace(header[2]))
	assert.Equal(t, "0 root", strings.TrimSpace(header[3]))
	assert.Equal(t, "1 worker", strings.TrimSpace(header[4]))
	assert.Contains(t, tl, "lock mutex#1")
	assert.Contains(t, tl, "sleep →+1s")
	// Every row holds one event in one lane, or a decision, or both; a
	// note's marker sits in its task's lane, its whole text after it.
	var notes, decisions int
	for _, l := range lines[1:] {
		cells := strings.Split(l, "|")
		require.Len(t, cells, 5, l) // the note is in the last lane: nothing to run over
		filled := 0
		for _, c := range cells[2:] {
			if strings.TrimSpace(c) != "" {
				filled++
			}
		}
		if strings.TrimSpace(cells[1]) == "" {
			assert.Equal(t, 1, filled, "one event in a lane: %s", l)
		} else {
			assert.LessOrEqual(t, filled, 1, "a decision, with the event it led to if any: %s", l)
		}
		if strings.Contains(l, "got the lock") {
			notes++
			assert.True(t, strings.HasPrefix(strings.TrimSpace(cells[4]), "·"), l)
			assert.Equal(t, "· got the lock at 1s", strings.TrimSpace(cells[4]), l)
		}
		if strings.TrimSpace(cells[1]) != "" {
			decisions++
			assert.Regexp(t, `^run [01] \([01] of 2\)$`, strings.TrimSpace(cells[1]))
		}
	}
	assert.Equal(t, 1, notes)
	assert.Equal(t, res.Decisions, decisions, "one row per decision")
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
