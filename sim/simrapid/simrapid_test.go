package simrapid_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/sim/internal/faketb"
	"github.com/tracebed/tracebed/sim/simrapid"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// lostUpdate is sim's planted bug B2: two unsynchronised read-modify-writes
// of one variable.
func lostUpdate(s *sim.Sim) {
	x := sim.NewVar(s, 0)
	wg := sim.NewWaitGroup(s)
	for i := range 2 {
		wg.Go(fmt.Sprint("inc", i), func() {
			v := x.Load()
			x.Store(v + 1)
		})
	}
	wg.Wait()
	if got := x.Peek(); got != 2 {
		panic(fmt.Sprintf("lost update: x = %d, want 2", got))
	}
}

func TestStrategy_ShrinksLostUpdate(t *testing.T) {
	if f := flag.Lookup("rapid.nofailfile"); f != nil {
		old := f.Value.String()
		require.NoError(t, f.Value.Set("true"))
		defer f.Value.Set(old)
	}
	if f := flag.Lookup("rapid.seed"); f != nil {
		old := f.Value.String()
		require.NoError(t, f.Value.Set("1"))
		defer f.Value.Set(old)
	}
	var last *sim.Result
	ft := faketb.New("TestRapidShrink")
	rapid.Check(ft, func(rt *rapid.T) {
		res, err := sim.Run(lostUpdate, sim.WithStrategy(simrapid.Strategy(rt)))
		if err != nil {
			last = res
			rt.Fatalf("%v", err)
		}
	})
	require.True(t, ft.Failed(), "rapid did not find the lost update")
	require.NotNil(t, last)
	// rapid alone gets close: past its last preemption every decision is
	// the default (0: keep going), so a short prefix reproduces the bug.
	rapidPrefix, err := sim.DecodeSchedule(sim.TrimSchedule(last.Schedule))
	require.NoError(t, err)
	assert.LessOrEqual(t, len(rapidPrefix), 8, "rapid's schedule %s", last.Schedule)
	assert.LessOrEqual(t, last.Preemptions, 2, "rapid's schedule %s", last.Schedule)
	// Shrink finishes: one preemption, six decisions.
	short, f := sim.Shrink(lostUpdate, last.Schedule)
	require.NotNil(t, f)
	choices, err := sim.DecodeSchedule(short)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(choices), 6, "shrunk schedule %s", short)
	res, err := sim.Run(lostUpdate, sim.WithStrategy(sim.ReplayPrefix(short)))
	assert.ErrorIs(t, err, sim.ErrPanic)
	assert.Equal(t, 1, res.Preemptions)
	assert.Contains(t, ft.Errors, "lost update")
	t.Logf("rapid: %s (%d preemptions); shrunk: %s", last.Schedule, last.Preemptions, short)
}

func TestCheck_Fails(t *testing.T) {
	if f := flag.Lookup("rapid.nofailfile"); f != nil {
		old := f.Value.String()
		require.NoError(t, f.Value.Set("true"))
		defer f.Value.Set(old)
	}
	ft := faketb.New("TestCheckRapid")
	simrapid.Check(ft, lostUpdate)
	require.True(t, ft.Failed())
	out := ft.Errors + strings.Join(ft.Logs, "\n")
	assert.True(t, strings.Contains(out, "lost update"), out)
	assert.True(t, strings.Contains(out, "shrunk further to 1 preemptions, the fewest: no schedule with fewer fails so: sim.ReplayPrefix("), out)
}

// relay is sim's planted bug B7: three events in order among four tasks,
// two preemptions at least.
func relay(s *sim.Sim) {
	stage := sim.NewVar(s, 0)
	wg := sim.NewWaitGroup(s)
	wg.Go("third", func() {
		for range 10 {
			if stage.Load() == 2 {
				panic("the relay reached the third task")
			}
		}
	})
	wg.Go("second", func() {
		for range 10 {
			if stage.Load() == 1 {
				stage.Store(2)
				stage.Store(0)
				return
			}
		}
	})
	wg.Go("first", func() {
		pad := sim.NewVar(s, 0)
		for range 10 {
			pad.Store(pad.Peek() + 1)
		}
		stage.Store(1)
		stage.Store(0)
	})
	wg.Wait()
}

// TestCheck_ShrinksToTheMinimumOnce: Check ends at the bug's DFS depth
// (2 preemptions), shrinks once (not at every failing case of rapid's own
// shrinking: the runs of root stay few), and suggests no -sim.* flag,
// which it does not read.
func TestCheck_ShrinksToTheMinimumOnce(t *testing.T) {
	if f := flag.Lookup("rapid.nofailfile"); f != nil {
		old := f.Value.String()
		require.NoError(t, f.Value.Set("true"))
		defer f.Value.Set(old)
	}
	// A fixed seed and enough checks: how soon rapid's random draws hit
	// the two preemptions depends on its seed, and with rapid's default
	// (a new seed each run, 100 checks) it missed the bug 2 runs in 6.
	for name, v := range map[string]string{"rapid.seed": "1", "rapid.checks": "2000"} {
		if f := flag.Lookup(name); f != nil {
			old := f.Value.String()
			require.NoError(t, f.Value.Set(v))
			defer f.Value.Set(old)
		}
	}
	runs := 0
	ft := faketb.New("TestRelay")
	simrapid.Check(ft, func(s *sim.Sim) { runs++; relay(s) })
	require.True(t, ft.Failed())
	out := ft.Errors + strings.Join(ft.Logs, "\n")
	assert.Contains(t, out, "shrunk further to 2 preemptions, the fewest: no schedule with fewer fails so: sim.ReplayPrefix(")
	assert.NotContains(t, out, "-sim.")
	assert.Less(t, runs, 100_000, "root ran %d times", runs)
}
