package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// progressSpecs are every strategy a waiting loop must end under.
func progressSpecs(t *testing.T) []sim.StrategySpec {
	return []sim.StrategySpec{
		mustSpec(t, "random"), mustSpec(t, "pct:1"), mustSpec(t, "pct:2"), mustSpec(t, "pct:3"),
		mustSpec(t, "portfolio"), sim.DFS(0), sim.DFS(1), sim.DFS(2),
	}
}

// A join written as a Yield loop ends under every strategy: the yielder
// never starves the task it waits for (under PCT it used to, once that
// task had dropped to a change point's priority; under DFS and the
// default schedule, option 0 kept the yielder running).
func TestProgress_YieldLoopJoinEnds(t *testing.T) {
	root := func(s *sim.Sim) {
		x := sim.NewVar(s, 0)
		w := s.Go("worker", func() {
			for range 3 {
				x.Store(x.Peek() + 1)
			}
		})
		for !w.Done() {
			s.Yield()
		}
		if x.Peek() != 3 {
			panic("joined before the worker ended")
		}
	}
	for _, spec := range progressSpecs(t) {
		t.Run(spec.String(), func(t *testing.T) {
			res := sim.Explore(root, sim.WithSeeds(0, 200), sim.WithStrategySpec(spec), sim.WithMaxRuns(2000))
			require.Nil(t, res.Failure, "%s", res)
		})
	}
	_, err := sim.Run(root) // the default strategy
	require.NoError(t, err)
	_, err = sim.Run(root, sim.WithStrategy(sim.ReplayPrefix("1:+"))) // all default decisions
	require.NoError(t, err)
}

// Tasks waiting on one another in Yield loops take turns round all of
// them: at a Yield the default option runs the next task after the
// yielder, not the first by id (which handed the turn back and forth
// between two pollers while a third, the one they waited for, never ran).
func TestProgress_PollersTakeTurns(t *testing.T) {
	ring := func(s *sim.Sim) {
		flags := make([]*sim.Var[bool], 5)
		for i := range flags {
			flags[i] = sim.NewVar(s, false)
		}
		wg := sim.NewWaitGroup(s)
		for i := 4; i >= 1; i-- { // the last of the chain has the lowest id
			wg.Go("poller", func() {
				for !flags[i-1].Load() {
					s.Yield()
				}
				flags[i].Store(true)
			})
		}
		flags[0].Store(true)
		for !flags[4].Load() {
			s.Yield()
		}
		wg.Wait()
	}
	handshake := func(s *sim.Sim) {
		f1, f2 := sim.NewVar(s, false), sim.NewVar(s, false)
		a := s.Go("a", func() {
			f1.Store(true)
			for !f2.Load() {
				s.Yield()
			}
		})
		b := s.Go("b", func() {
			for !f1.Load() {
				s.Yield()
			}
			f2.Store(true)
		})
		a.Wait()
		b.Wait()
	}
	for name, root := range map[string]func(*sim.Sim){"ring": ring, "handshake": handshake} {
		t.Run(name, func(t *testing.T) {
			_, err := sim.Run(root, sim.WithStrategy(sim.ReplayPrefix("1:+")), sim.WithMaxSteps(20000))
			require.NoError(t, err, "every default decision")
			for _, spec := range progressSpecs(t) {
				res := sim.Explore(root, sim.WithSeeds(0, 50), sim.WithStrategySpec(spec), sim.WithMaxRuns(1000),
					sim.WithRunOptions(sim.WithMaxSteps(20000)))
				require.Nil(t, res.Failure, "%s: %s", spec, res)
			}
		})
	}
}

// Polling a deadline that is due now ends: the due timer is a choice at
// every scheduling point, not only when every task is blocked.
func TestProgress_PollingADueDeadlineEnds(t *testing.T) {
	root := func(s *sim.Sim) {
		ctx, cancel := s.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Sleep(time.Second) // to the deadline's instant
		for ctx.Err() == nil {
			s.Yield()
		}
	}
	for _, spec := range progressSpecs(t) {
		t.Run(spec.String(), func(t *testing.T) {
			res := sim.Explore(root, sim.WithSeeds(0, 100), sim.WithStrategySpec(spec), sim.WithMaxRuns(2000))
			require.Nil(t, res.Failure, "%s", res)
		})
	}
}

// A timer due now may fire at any scheduling point, so both orders of a
// due timer and a task's next step are reachable, and replay.
func TestProgress_DueTimerIsADecision(t *testing.T) {
	root := func(s *sim.Sim) {
		tm := s.NewTimer(0) // due at once
		x := sim.NewVar(s, 0)
		x.Store(1) // a scheduling point: the timer may fire here
		if tm.C.Len() == 1 {
			panic("the timer fired before the task went on")
		}
	}
	res := sim.Explore(root, sim.WithStrategySpec(sim.DFS(1)))
	require.NotNil(t, res.Failure, "the timer never fired at a scheduling point: %s", res)
	_, err := sim.Run(root, sim.WithStrategy(sim.Replay(res.Failure.Schedule)))
	require.ErrorIs(t, err, sim.ErrPanic)
	res = sim.Explore(root, sim.WithStrategySpec(sim.DFS(1)), sim.WithAllSeeds())
	assert.Equal(t, 1, res.Failures)
	assert.Greater(t, res.Runs, 1, "the order where the task goes on first is reachable too")
}

// The virtual-time rule: a task polling a future instant in a Yield loop
// never sees it come (time moves only when no task can run), and the
// livelock says so.
func TestProgress_PollingAFutureDeadlineIsALivelock(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		ctx, cancel := s.WithTimeout(context.Background(), time.Second)
		defer cancel()
		for ctx.Err() == nil {
			s.Yield()
		}
	})
	require.ErrorIs(t, err, sim.ErrLivelock)
	assert.Contains(t, err.Error(), "virtual time moves only when no task can run")
}

// Task.Wait joins: it returns once the task has ended, under every
// strategy.
func TestTask_Wait(t *testing.T) {
	root := func(s *sim.Sim) {
		done := false
		w := s.Go("worker", func() {
			s.Sleep(time.Second)
			done = true
		})
		w.Wait()
		w.Wait() // at once: it has ended
		if !done {
			panic("Wait returned before the task ended")
		}
	}
	for _, spec := range progressSpecs(t) {
		res := sim.Explore(root, sim.WithSeeds(0, 50), sim.WithStrategySpec(spec))
		require.Nil(t, res.Failure, "%s: %s", spec, res)
	}
}

// 100,000 short tasks are not a livelock: the default bound counts steps
// without a task starting or ending, not steps.
func TestStepBound_ManyShortTasksAreNotALivelock(t *testing.T) {
	n := 100_000
	_, err := sim.Run(func(s *sim.Sim) {
		wg := sim.NewWaitGroup(s)
		for range n {
			wg.Go("short", func() {})
		}
		wg.Wait()
	}, sim.WithoutTrace())
	require.NoError(t, err)
	// Two tasks handing the turn back and forth forever still are one.
	_, err = sim.Run(func(s *sim.Sim) {
		s.Go("other", func() {
			for {
				s.Yield()
			}
		})
		for {
			s.Yield()
		}
	}, sim.WithoutTrace())
	require.ErrorIs(t, err, sim.ErrLivelock)
}

// DFS's tree of schedules is finite for tasks that take turns in Yield
// loops: at a Yield only the next task round the ring is free. When every
// task but the yielder was free, the root and b swapped turns forever at
// no cost while a never ran again: dfs:0 ran past 14,000 runs, each two
// steps longer than the last, and with a step bound called it a livelock.
func TestProgress_DFSOfYieldJoinsIsFinite(t *testing.T) {
	joins := func(s *sim.Sim) {
		a := s.Go("a", func() { s.Yield(); s.Yield(); s.Yield() })
		b := s.Go("b", func() {
			for !a.Done() {
				s.Yield()
			}
		})
		for !b.Done() {
			s.Yield()
		}
	}
	for _, p := range []int{0, 1, 2} {
		res := sim.Explore(joins, sim.WithStrategySpec(sim.DFS(p)), sim.WithMaxRuns(20_000), sim.WithRunOptions(sim.WithMaxSteps(2000)))
		require.Nil(t, res.Failure, "dfs:%d: %s", p, res)
		assert.True(t, res.Complete, "dfs:%d: %s", p, res)
	}
}
