package sim_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/sim/internal/faketb"
)

type payload struct{ a, b int }

// explode panics with a pointer argument on its stack, whose address
// differs from run to run.
//
//go:noinline
func explode(p *payload) { panic(fmt.Sprint("boom ", p.a)) }

// panicAndBlock leaves one task blocked on a mutex (its stack is in the
// report) while another panics (its stack is in the report too).
func panicAndBlock(s *sim.Sim) {
	m := sim.NewMutex(s)
	m.Lock()
	s.Go("waiter", func() { m.Lock() })
	s.Go("bad", func() { explode(&payload{1, 2}) })
	s.Yield()
	s.Yield()
}

func TestFailure_ReportIsByteIdentical(t *testing.T) {
	report := func(opt sim.Option) (string, string) {
		_, err := sim.Run(panicAndBlock, opt)
		var f *sim.Failure
		require.ErrorAs(t, err, &f)
		require.True(t, errors.Is(err, sim.ErrPanic), "%v", err)
		return f.Report, f.Schedule
	}
	first, schedule := report(sim.WithStrategy(sim.Random(1)))
	again, _ := report(sim.WithStrategy(sim.Random(1)))
	replayed, _ := report(sim.WithStrategy(sim.Replay(schedule)))
	assert.Equal(t, first, again, "the same seed, twice")
	// A replay names its own strategy; the rest of the report is the same.
	_, firstRest, _ := strings.Cut(first, "tasks:\n")
	_, replayedRest, _ := strings.Cut(replayed, "tasks:\n")
	assert.Equal(t, firstRest, replayedRest, "the seed, then its schedule")

	// The stacks keep the user's frames, and lose what varies between
	// runs (argument words, pc offsets) and the panic machinery.
	assert.Contains(t, first, "sim_test.explode(...)")
	assert.Contains(t, first, "failure_test.go:")
	assert.Contains(t, first, "sim.(*Mutex).Lock(...)")
	for _, bad := range []string{"0xc0", " +0x", "runtime/debug", "panic(", "goroutine ", "iter.Pull"} {
		assert.NotContains(t, first, bad)
	}
	// A frame without arguments keeps its "()".
	assert.Contains(t, first, "sim_test.panicAndBlock.func2()\n")
	// The task that failed is named as such in the task list, not "ended".
	assert.Regexp(t, `(?m)^  task \d+ "[^"]+": panicked$`, first)
}

// A deadlock of 1,000 tasks gives a report of a few kilobytes, not
// hundreds: tasks that wait the same way are one line, with a count, a
// few names and what they wait on, and one stack per distinct stack.
func TestFailure_ReportGroupsThousandsOfTasks(t *testing.T) {
	const n = 1000
	_, err := sim.Run(func(s *sim.Sim) {
		shared, m := sim.NewChan[int](s, 0), sim.NewMutex(s)
		m.Lock()
		wg := sim.NewWaitGroup(s)
		for i := range n {
			own := sim.NewChan[int](s, 0)
			switch i % 3 {
			case 0:
				wg.Go(fmt.Sprint("shared", i), func() { shared.Recv() })
			case 1:
				wg.Go(fmt.Sprint("locker", i), func() { m.Lock() })
			default:
				wg.Go(fmt.Sprint("own", i), func() { own.Recv() })
			}
		}
		wg.Wait()
	}, sim.WithStrategy(sim.Random(1)))
	var f *sim.Failure
	require.ErrorAs(t, err, &f)
	require.ErrorIs(t, err, sim.ErrDeadlock)

	// The schedule (in the replay line) grows with the run; the rest must not.
	assert.Less(t, len(f.Report)-len(f.Schedule), 8<<10, "report:\n%s", f.Report)
	assert.Less(t, len(f.Message), 1<<10, "message: %s", f.Message)
	for _, want := range []string{
		`task 0 "root": blocked in wait waitgroup#`,
		`667 tasks (task 1 "shared0", task 3 "own2", task 4 "shared3" and 664 more): blocked in recv on 334 objects: chan#1 (334 tasks), `,
		`333 tasks (task 2 "locker1", task 5 "locker4", task 8 "locker7" and 330 more): blocked in lock mutex#2 (held by task 0 "root")`,
		"334 of them at:", "333 of them at:", "sim_test.TestFailure_ReportGroupsThousandsOfTasks.func1.2()",
	} {
		assert.Contains(t, f.Report, want)
	}
	assert.Contains(t, f.Message, `333 tasks (task 2 "locker1", task 5 "locker4", task 8 "locker7" and 330 more) wait in lock mutex#2`)
}

// Groups of up to eight tasks are listed task by task, as in any small
// report.
func TestFailure_SmallGroupsAreListed(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		m := sim.NewMutex(s)
		m.Lock()
		wg := sim.NewWaitGroup(s)
		for i := range 8 {
			wg.Go(fmt.Sprint("w", i), func() { m.Lock() })
		}
		wg.Wait()
	}, sim.WithStrategy(sim.Random(1)))
	var f *sim.Failure
	require.ErrorAs(t, err, &f)
	for i := 1; i <= 8; i++ {
		assert.Contains(t, f.Report, fmt.Sprintf("  task %d \"w%d\": blocked in lock mutex#1 (held by task 0 \"root\")\n", i, i-1))
		assert.Contains(t, f.Message, fmt.Sprintf("task %d \"w%d\" waits in lock mutex#1", i, i-1))
	}
	assert.NotContains(t, f.Report, "of them at:")
}

// A failure whose schedule is too long to print says so instead of
// printing it: a 5,000-task livelock made a 139 MB Error, a 70 MB Report
// and a 146 MB Check report. The seed still replays it.
func TestFailure_LongScheduleIsNotPrinted(t *testing.T) {
	spinners := func(s *sim.Sim) {
		stop := sim.NewVar(s, false)
		for range 2 {
			s.Go("spin", func() {
				for !stop.Load() {
					s.Yield()
				}
			})
		}
	}
	opts := []sim.Option{sim.WithStrategy(sim.Random(1)), sim.WithMaxSteps(20_000)}
	_, err := sim.Run(spinners, opts...)
	var f *sim.Failure
	require.ErrorAs(t, err, &f)
	require.ErrorIs(t, err, sim.ErrLivelock)
	require.Greater(t, len(f.Schedule), sim.MaxPrintedSchedule)
	assert.Less(t, len(f.Error()), 2000)
	assert.Contains(t, f.Error(), "schedule in Failure.Schedule (too long to print)")
	assert.NotContains(t, f.Report, f.Schedule[:100])
	_, again := sim.Run(spinners, sim.WithStrategy(sim.Replay(f.Schedule)), sim.WithMaxSteps(20_000))
	assert.ErrorIs(t, again, sim.ErrLivelock, "Failure.Schedule replays it")

	ft := faketb.New("TestLong")
	sim.Check(ft, spinners, sim.WithSeeds(1, 1), sim.WithStrategySpec(mustSpec(t, "random")), sim.WithRunOptions(sim.WithMaxSteps(20_000)))
	require.True(t, ft.Failed())
	assert.Less(t, len(ft.Errors), 20_000, "Check's report")
	assert.Contains(t, ft.Errors, "-sim.seed=1")
}

// A huge panic value or task name is clipped in the failure's text, kept
// whole in Failure.Value: a 5 MB panic made a 5 MB Error, Report and twice
// that in Check's report; a 2 MB task name a 4 MB Report.
func TestFailure_HugeValuesAreClipped(t *testing.T) {
	huge := strings.Repeat("A", 5<<20)
	roots := map[string]func(*sim.Sim){
		"panic value": func(s *sim.Sim) { s.Go("x", func() {}).Wait(); panic(huge) },
		"task name": func(s *sim.Sim) {
			ch := sim.NewChan[int](s, 0)
			s.Go(strings.Repeat("N", 2<<20), func() { ch.Recv() })
			ch.Recv()
		},
	}
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			_, err := sim.Run(root)
			var f *sim.Failure
			require.ErrorAs(t, err, &f)
			assert.Less(t, len(f.Error()), 10_000)
			assert.Less(t, len(f.Report), 10_000)
			ft := faketb.New("TestHuge")
			sim.Check(ft, root, sim.WithSeeds(0, 3))
			require.True(t, ft.Failed())
			assert.Less(t, len(ft.Errors), 20_000)
		})
	}
	_, err := sim.Run(roots["panic value"])
	var f *sim.Failure
	require.ErrorAs(t, err, &f)
	assert.Equal(t, huge, f.Value, "Failure.Value keeps it whole")
}
