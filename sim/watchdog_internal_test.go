package sim

import (
	"iter"
	"testing"
	"time"

	"github.com/petermattis/goid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeWorld is the watchdog's view of the world, moved by hand: wall and
// CPU time, and whether the stalled task's goroutine waits outside sim.
type fakeWorld struct {
	wall  time.Time
	cpu   time.Duration
	waits bool
}

func (f *fakeWorld) clock() watchClock {
	return watchClock{
		now:     func() time.Time { return f.wall },
		cpu:     func() (time.Duration, bool) { return f.cpu, true },
		waiting: func(int64) bool { return f.waits },
	}
}

// stallAfter drives a watchdog check by check: the run makes progress up
// to wall time progress, then stalls, while the process gets cpuShare of
// each interval as CPU time. It returns how long after the stall began
// the watchdog fired, or -1 if it had not after limit.
func stallAfter(timeout, progress time.Duration, waits bool, cpuShare float64, limit time.Duration) time.Duration {
	world := &fakeWorld{wall: time.Unix(0, 0), waits: waits}
	fired := false
	s := &Sim{strategy: Random(1)}
	w := newWatchdog(s, timeout, world.clock(), func(string) { fired = true })
	start := world.wall
	for {
		// The scheduler's resumes between the last check and this one.
		next := world.wall.Add(w.tick())
		if next.Sub(start) <= progress {
			s.resumes.Add(1)
		} else if world.wall.Sub(start) < progress {
			s.resumes.Add(1) // it stalls between the two checks
		}
		world.cpu += time.Duration(cpuShare * float64(w.tick()))
		world.wall = next
		w.check()
		elapsed := world.wall.Sub(start) - progress
		if fired {
			return elapsed
		}
		if elapsed > limit {
			return -1
		}
	}
}

// The watchdog fires within about its timeout (at most a check interval,
// an eighth, late), not up to twice it, wherever in an interval the stall
// begins, for a task blocked outside the scheduler and for one that loops
// without a scheduling point.
func TestWatchdog_FiresWithinAboutItsTimeout(t *testing.T) {
	const timeout = time.Second
	for _, waits := range []bool{true, false} {
		for _, progress := range []time.Duration{0, 10 * time.Millisecond, 60 * time.Millisecond, 124 * time.Millisecond, 3 * time.Second} {
			cpu := 1.0 // a looping task keeps a core busy
			if waits {
				cpu = 0 // a blocked one keeps none
			}
			got := stallAfter(timeout, progress, waits, cpu, 4*timeout)
			assert.GreaterOrEqual(t, got, timeout, "waits=%v, stall after %v: fired early", waits, progress)
			assert.LessOrEqual(t, got, timeout+timeout/8, "waits=%v, stall after %v: fired late (or not at all: -1)", waits, progress)
		}
	}
}

// On a loaded machine the process gets little CPU and a healthy task may
// not run for many timeouts of wall time: that is no stall while its
// goroutine is runnable. Once it gets the CPU and still holds the
// scheduler, it is.
func TestWatchdog_LoadedMachineIsNotAStall(t *testing.T) {
	const timeout = time.Second
	assert.Equal(t, time.Duration(-1), stallAfter(timeout, 0, false, 0.05, 10*timeout), "5%% of a core for 10 timeouts")
	assert.Equal(t, time.Duration(-1), stallAfter(timeout, 0, false, 0, 100*timeout), "no CPU at all")
	got := stallAfter(timeout, 0, false, 0.5, 10*timeout)
	assert.Positive(t, got, "half a core: a stall, reported after a timeout of CPU")
	// A task blocked on a real mutex uses no CPU, load or not: wall time
	// counts.
	assert.Positive(t, stallAfter(timeout, 0, true, 0, 2*timeout))
}

// goroutineWaits reads a goroutine's state from the runtime: blocked on
// a Go channel is waiting outside the scheduler; running is not.
func TestGoroutineWaits(t *testing.T) {
	ids, release := make(chan int64), make(chan struct{})
	go func() {
		ids <- goid.Get()
		<-release
	}()
	id := <-ids
	defer close(release)
	require.Eventually(t, func() bool { return goroutineWaits(id) }, 10*time.Second, time.Millisecond, "blocked in chan receive")
	assert.False(t, goroutineWaits(goid.Get()), "this goroutine is running")
	assert.False(t, goroutineWaits(0))
	assert.False(t, goroutineWaits(1<<62), "no such goroutine")

	// A task that calls next of an iter.Pull whose iterator blocks on a
	// channel: its own goroutine's state is "coroutine", a wait too.
	pulling := make(chan int64)
	go func() {
		next, stop := iter.Pull(func(yield func(int) bool) {
			<-release
			yield(1)
		})
		defer stop()
		pulling <- goid.Get()
		next()
	}()
	pid := <-pulling
	require.Eventually(t, func() bool { return goroutineWaits(pid) }, 10*time.Second, time.Millisecond, "blocked in an iter.Pull's next")

	state, ok := goroutineState([]byte("goroutine 1 [running]:\nmain.main()\n\ngoroutine 18 gp=0xc0 m=nil [chan receive, 2 minutes, locked to thread]:\n"), 18)
	require.True(t, ok)
	assert.Equal(t, "chan receive", state)
	_, ok = goroutineState([]byte("goroutine 180 [select]:\n"), 18)
	assert.False(t, ok, "18 is not 180")
}

// A task that alternates blocking outside the scheduler and spinning (a
// sleep, then a busy loop, over and over) is reported within about its
// timeout too: an interval that starts or ends in a wait counts wall time.
// Counting CPU alone for the intervals a check saw it running reported it
// after about twice the timeout.
func TestWatchdog_AlternatingBlockAndSpin(t *testing.T) {
	const timeout = time.Second
	world := &fakeWorld{wall: time.Unix(0, 0)}
	fired := false
	s := &Sim{strategy: Random(1)}
	w := newWatchdog(s, timeout, world.clock(), func(string) { fired = true })
	start := world.wall
	for i := 0; !fired; i++ {
		// Half of each interval asleep, half spinning; a check finds it
		// asleep every other time.
		world.cpu += w.tick() / 2
		world.wall = world.wall.Add(w.tick())
		world.waits = i%2 == 0
		w.check()
		require.Less(t, world.wall.Sub(start), 4*timeout, "never fired")
	}
	assert.LessOrEqual(t, world.wall.Sub(start), timeout*9/8+w.tick())
}
