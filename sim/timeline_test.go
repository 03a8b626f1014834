package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
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

// An interval opened on one task and closed on another shows in both
// lanes of the timeline, in the flat listing, and as one async slice in
// the Chrome trace.
func TestIntervals(t *testing.T) {
	res, err := sim.Run(func(s *sim.Sim) {
		done := sim.NewFuture[int](s)
		s.Begin(7, "request 7")
		s.Go("worker", func() {
			s.Sleep(time.Second)
			s.End(7)
			s.End(math.MaxUint64) // never opened; an id past MaxInt64 still prints as given
			done.Resolve(1)
		})
		done.Get()
	}, sim.WithStrategy(sim.Random(1)))
	require.NoError(t, err)

	tl := res.Trace.Timeline()
	var opened, closed, unknown string
	for _, l := range strings.Split(tl, "\n") {
		switch {
		case strings.Contains(l, "┌ request 7"):
			opened = l
		case strings.Contains(l, "└ request 7"):
			closed = l
		case strings.Contains(l, "└ interval 18446744073709551615"):
			unknown = l
		}
	}
	require.NotEmpty(t, opened, tl)
	require.NotEmpty(t, closed, tl)
	require.NotEmpty(t, unknown, tl)
	assert.Equal(t, 3, strings.Count(opened, "|"), "opened in the root's lane (decision, root): %s", opened)
	assert.Equal(t, 4, strings.Count(closed, "|"), "closed in the worker's lane (decision, timers, root, worker): %s", closed)
	assert.Contains(t, closed, "+1s")

	list := res.Trace.String()
	assert.Contains(t, list, "begin 7 request 7")
	assert.Contains(t, list, "end 7 request 7")
	assert.Contains(t, list, "end 18446744073709551615\n")

	var buf bytes.Buffer
	require.NoError(t, res.Trace.WriteChrome(&buf))
	var evs []struct {
		Name, Ph, Cat, ID string
		TID               int
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &evs))
	var async []string
	for _, e := range evs {
		if e.Cat == "interval" {
			async = append(async, fmt.Sprintf("%s %s %s tid=%d", e.Ph, e.ID, e.Name, e.TID))
		}
	}
	assert.Equal(t, []string{"b 7 request 7 tid=0", "e 7 request 7 tid=1", "e 18446744073709551615 interval 18446744073709551615 tid=1"}, async)
}

// TestTimeline_DecidingEvents: the events that usually explain a run have
// a row in the lane of the task that did them: which select case won (with
// its channel), a WaitGroup.Done, a Future.Get returning on the waiter's
// side, and a Yield.
func TestTimeline_DecidingEvents(t *testing.T) {
	res, err := sim.Run(func(s *sim.Sim) {
		a, b := sim.NewChan[int](s, 0), sim.NewChan[int](s, 1)
		f := sim.NewFuture[string](s)
		wg := sim.NewWaitGroup(s)
		wg.Add(1)
		s.Go("sender", func() {
			s.Yield()
			b.Send(1)
			f.Resolve("v")
			wg.Done()
		})
		s.Select(sim.OnRecv(a, nil), sim.OnRecv(b, nil))
		s.Select(sim.OnRecv(a, nil), sim.OnDefault(nil))
		f.Get()
		wg.Wait()
	}, sim.WithStrategy(sim.Random(3)))
	require.NoError(t, err)
	tl := res.Trace.Timeline()
	for _, want := range []string{
		"select 1/2 recv chan#2",
		"select 1/2 default",
		"done waitgroup#4",
		"got future#3",
		"yield",
	} {
		assert.Contains(t, tl, want)
	}
	var sel []sim.Event
	for _, e := range res.Trace.Events() {
		if e.Kind == sim.EvSelect {
			sel = append(sel, e)
		}
	}
	require.Len(t, sel, 2)
	assert.Equal(t, sim.Event{Step: sel[0].Step, At: 0, Task: 0, Kind: sim.EvSelect, Arg: 1, N: 2, Text: "recv", On: "chan#2"}, sel[0])
	assert.Equal(t, "default", sel[1].Text)
	assert.Empty(t, sel[1].On)
	assert.Contains(t, sel[0].String(), "select 1/2 recv chan#2")
}

func TestTrace_Epoch(t *testing.T) {
	epoch := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	var started time.Time
	res, err := sim.Run(func(s *sim.Sim) {
		s.Sleep(time.Second)
		started = s.Now()
	}, sim.WithStartTime(epoch))
	require.NoError(t, err)
	assert.Equal(t, epoch, res.Trace.Epoch())
	assert.Equal(t, time.Second, started.Sub(res.Trace.Epoch()))
}
