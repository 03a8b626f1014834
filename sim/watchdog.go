package sim

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultStallTimeout is how long a task may hold the scheduler without
// reaching a scheduling point before the watchdog reports the run stalled;
// see [WithStallTimeout].
const DefaultStallTimeout = 10 * time.Second

// WithStallTimeout sets how long one task may hold the scheduler without
// reaching a scheduling point (default [DefaultStallTimeout]; d <= 0 turns
// the watchdog off): wall time while the task's goroutine is blocked
// outside the scheduler, CPU time of the process (at most wall time) while
// it is running or runnable, so that a loaded machine starving a healthy
// task does not trip it. On an idle machine a stall is reported within
// 9/8 of d.
//
// Virtual time never waits, so a task that holds the scheduler that long
// has escaped it: it blocks on something sim does not schedule (a real
// sync.Mutex, a Go channel, I/O, time.Sleep) or loops without a scheduling
// point. Nothing can unblock such a task or unwind it, so the watchdog
// cannot fail the run and go on: it writes what it knows to standard error
// (the strategy and seed, the task that holds the scheduler, every
// goroutine's stack) and panics, ending the program, as go test's own
// -timeout does, but after seconds instead of minutes and with the reason.
func WithStallTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.stallTimeout = d })
}

// watchdog checks, every eighth of its timeout, that the scheduler has
// resumed a task since the last check, and adds up how long the current
// task has held the scheduler. The scheduler's side is an atomic counter
// it bumps at every resume; the checks of every run in the process are
// made by one shared timer (see dogs), so that starting and stopping a
// watchdog costs a run two short critical sections, not a timer and a
// system call.
//
// Wall time alone cannot tell a stall from a loaded machine: with several
// test binaries on two cores a healthy task may get no CPU for seconds. So
// a check adds the wall time since the last one only while the task's
// goroutine waits outside the scheduler (on a channel, a mutex, I/O, a
// sleep: the state runtime.Stack shows), where load cannot be the cause;
// while it is running or runnable, the check adds the CPU time the process
// got, at most the wall time: a task that loops without a scheduling point
// is reported after about its timeout of CPU, a task the machine starved
// not at all. An interval that starts or ends with the goroutine waiting
// counts wall time as well, so that a task that alternates blocking and
// spinning is not counted at half speed. Either way a real stall is
// reported within about 9/8 of its timeout on an idle machine.
type watchdog struct {
	s       *Sim
	timeout time.Duration
	clock   watchClock
	fire    func(msg string) // ends the program (see report)

	last     uint64        // s.resumes at the last check
	lastWall time.Time     // the last check, or the start
	lastCPU  time.Duration // process CPU time at the last check
	cpuRead  bool          // lastCPU has been read (not at the start: a system call)
	stalled  time.Duration // the stall so far, as described above
	// waited says the task's goroutine waited outside the scheduler at
	// the last check: an interval that starts or ends so counts wall
	// time, so that a task that alternates blocking and spinning is not
	// counted only half (it was reported after about twice its timeout).
	waited bool
}

// dogs is every armed watchdog of the process and the one timer that
// checks them all, at the shortest tick among them; the timer is not
// re-armed once none is left, so an idle process has no timer and no
// goroutine of sim's.
var dogs struct {
	mu    sync.Mutex
	set   map[*watchdog]struct{}
	timer *time.Timer
	tick  time.Duration // the timer's interval; 0 when it is not armed
}

// watchClock is what the watchdog reads of the world, injected by tests.
type watchClock struct {
	now func() time.Time
	// cpu returns the CPU time the process used so far; ok false means
	// it is not known, and wall time counts instead.
	cpu func() (d time.Duration, ok bool)
	// waiting reports whether goroutine id waits outside the scheduler.
	waiting func(id int64) bool
}

var realWatchClock = watchClock{now: time.Now, cpu: processCPU, waiting: goroutineWaits}

// startWatchdog arms the watchdog of s, or returns nil if it is off.
func startWatchdog(s *Sim, timeout time.Duration) *watchdog {
	if timeout <= 0 {
		return nil
	}
	w := newWatchdog(s, timeout, realWatchClock, report)
	dogs.mu.Lock()
	defer dogs.mu.Unlock()
	if dogs.set == nil {
		dogs.set = make(map[*watchdog]struct{})
	}
	dogs.set[w] = struct{}{}
	switch tick := w.tick(); {
	case dogs.tick == 0:
		dogs.tick = tick
		dogs.timer = time.AfterFunc(tick, checkDogs)
	case tick < dogs.tick:
		dogs.tick = tick
		dogs.timer.Reset(tick)
	}
	return w
}

// checkDogs is the shared timer's function: it checks every armed
// watchdog, and re-arms itself while any is left.
func checkDogs() {
	dogs.mu.Lock()
	defer dogs.mu.Unlock()
	tick := time.Duration(0)
	for w := range dogs.set {
		w.check()
		if t := w.tick(); tick == 0 || t < tick {
			tick = t
		}
	}
	dogs.tick = tick
	if tick > 0 {
		dogs.timer.Reset(tick)
	}
}

func newWatchdog(s *Sim, timeout time.Duration, clock watchClock, fire func(string)) *watchdog {
	return &watchdog{s: s, timeout: timeout, clock: clock, fire: fire, lastWall: clock.now()}
}

// report writes a stall's message and every goroutine's stack to
// standard error, and panics: nothing can unblock the stalled task.
func report(msg string) {
	fmt.Fprintf(os.Stderr, "%s\n\ngoroutines:\n%s\n", msg, allStacks())
	panic(msg)
}

// stop disarms the watchdog; the run is over. Once it returns, the
// watchdog is not checked again.
func (w *watchdog) stop() {
	if w == nil {
		return
	}
	dogs.mu.Lock()
	delete(dogs.set, w)
	dogs.mu.Unlock()
}

// tick is the interval between checks: an eighth of the timeout, so that a
// stall is reported within 9/8 of the timeout, not up to twice it.
func (w *watchdog) tick() time.Duration { return max(w.timeout/8, time.Millisecond) }

// check is one check of the watchdog: it fires if the run has stalled for
// its timeout.
func (w *watchdog) check() {
	if w.observe() {
		w.fire(w.s.stallMessage(w.timeout))
	}
}

// observe takes one check's readings and reports whether the run has
// stalled for its timeout.
func (w *watchdog) observe() bool {
	now := w.clock.now()
	cpu, cpuOK := w.clock.cpu()
	wall, used := now.Sub(w.lastWall), cpu-w.lastCPU
	if !w.cpuRead {
		// The first check: no CPU reading before it, so the interval
		// since the start counts no CPU time (it cannot make a loaded
		// machine look stalled; a stall is still reported within 9/8 of
		// the timeout, as it counts from this check).
		used, w.cpuRead = 0, true
	}
	w.lastWall, w.lastCPU = now, cpu
	if n := w.s.resumes.Load(); n != w.last {
		// Progress since the last check; a stall started at most a tick
		// ago, which the 9/8 bound allows for.
		w.last, w.stalled, w.waited = n, 0, false
		return false
	}
	waiting := cpuOK && w.clock.waiting(w.s.curGoid.Load())
	waited := w.waited
	w.waited = waiting
	switch {
	case !cpuOK, waiting, waited:
		w.stalled += wall
	default:
		w.stalled += min(wall, max(used, 0))
	}
	return w.stalled >= w.timeout
}

// stallMessage describes a stalled run: the strategy (its name carries the
// seed, which replays the run up to the stall) and the running task. It
// reads only what the scheduler wrote before it last bumped resumes, and
// what never changes, so it does not race with the stuck task.
func (s *Sim) stallMessage(timeout time.Duration) string {
	who := "a task"
	if t := s.cur; t != nil {
		who = t.String()
	}
	msg := fmt.Sprintf("sim: run stalled under %s: %s has not reached a scheduling point for %v of wall time. "+
		"It blocks on something the scheduler does not see (a real sync.Mutex, a Go channel, I/O, time.Sleep) "+
		"or loops without a scheduling point; use sim's primitives in tasks. Its goroutine is among those below.",
		s.strategy.Name(), who, timeout)
	if f := s.firstFailure.Load(); f != nil {
		// It stalled while unwinding: the failure is what the user needs.
		msg += "\nThe run had already failed, and stalled while its tasks unwound:\n" + f.Report
	}
	return msg
}

// goroutineWaits reports whether goroutine id is blocked on something
// outside sim's scheduler, as its runtime.Stack header says: a Go channel
// or select, a sync primitive, a sleep, I/O or a system call. Running,
// runnable, preempted, a GC wait or an unknown id is not waiting: load can
// explain those.
func goroutineWaits(id int64) bool {
	if id == 0 {
		return false
	}
	state, ok := goroutineState(allStacks(), id)
	return ok && waitsOutside(state)
}

// goroutineState returns the state of goroutine id in a dump of every
// goroutine ("chan receive" from "goroutine 18 [chan receive, 2 minutes]:").
func goroutineState(dump []byte, id int64) (string, bool) {
	prefix := []byte("goroutine " + strconv.FormatInt(id, 10) + " ")
	for len(dump) > 0 {
		line, rest, _ := bytes.Cut(dump, []byte("\n"))
		dump = rest
		if !bytes.HasPrefix(line, prefix) {
			continue
		}
		_, state, ok := bytes.Cut(line, []byte("["))
		if !ok {
			return "", false
		}
		state, _, _ = bytes.Cut(state, []byte("]"))
		state, _, _ = bytes.Cut(state, []byte(","))
		return string(state), true
	}
	return "", false
}

// waitsOutside reports whether a goroutine state is a wait for something
// sim does not schedule. "coroutine" is the current task inside the next
// of a user's iter.Pull: sim's own switches leave the current task
// running, so the task waits for the user's coroutine, which waits in
// turn.
func waitsOutside(state string) bool {
	for _, p := range []string{"chan ", "select", "sync.", "semacquire", "sleep", "IO wait", "syscall", "coroutine"} {
		if strings.HasPrefix(state, p) {
			return true
		}
	}
	return false
}
