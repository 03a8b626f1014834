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

// fakeT records what rapid.Check reports instead of failing.
type fakeT struct {
	name   string
	logs   []string
	fatal  string
	failed bool
}

func (f *fakeT) Helper()      {}
func (f *fakeT) Name() string { return f.name }
func (f *fakeT) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Log(args ...any)                   { f.logs = append(f.logs, fmt.Sprint(args...)) }
func (f *fakeT) Fatalf(format string, args ...any) { f.Errorf(format, args...) }
func (f *fakeT) Fatal(args ...any)                 { f.Error(args...) }
func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.fatal += fmt.Sprintf(format, args...)
}
func (f *fakeT) Error(args ...any)    { f.failed = true; f.fatal += fmt.Sprint(args...) }
func (f *fakeT) Skipf(string, ...any) {}
func (f *fakeT) Skip(...any)          {}
func (f *fakeT) SkipNow()             {}
func (f *fakeT) FailNow()             { f.failed = true }
func (f *fakeT) Fail()                { f.failed = true }
func (f *fakeT) Failed() bool         { return f.failed }

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
	ft := &fakeT{name: "TestRapidShrink"}
	rapid.Check(ft, func(rt *rapid.T) {
		res, err := sim.Run(lostUpdate, sim.WithStrategy(simrapid.Strategy(rt)))
		if err != nil {
			last = res
			rt.Fatalf("%v", err)
		}
	})
	require.True(t, ft.failed, "rapid did not find the lost update")
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
	assert.Contains(t, ft.fatal, "lost update")
	t.Logf("rapid: %s (%d preemptions); shrunk: %s", last.Schedule, last.Preemptions, short)
}

func TestCheck_Fails(t *testing.T) {
	if f := flag.Lookup("rapid.nofailfile"); f != nil {
		old := f.Value.String()
		require.NoError(t, f.Value.Set("true"))
		defer f.Value.Set(old)
	}
	ft := &fakeT{name: "TestCheckRapid"}
	simrapid.Check(ft, lostUpdate)
	require.True(t, ft.failed)
	out := ft.fatal + strings.Join(ft.logs, "\n")
	assert.True(t, strings.Contains(out, "lost update"), out)
	assert.True(t, strings.Contains(out, "shrunk further: sim.ReplayPrefix("), out)
}
