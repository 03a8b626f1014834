package sim

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// DefaultStallTimeout is how long, in wall time, a task may run without
// reaching a scheduling point before the watchdog reports the run stalled;
// see [WithStallTimeout].
const DefaultStallTimeout = 10 * time.Second

// WithStallTimeout sets how long, in wall time, one task may run without
// reaching a scheduling point (default [DefaultStallTimeout]; d <= 0 turns
// the watchdog off).
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

// watchdog checks, every timeout, that the scheduler has resumed a task
// since the last check. It costs one timer per run, re-armed once per
// timeout, and an atomic counter the scheduler bumps at every resume.
type watchdog struct {
	s       *Sim
	timeout time.Duration
	last    uint64
	since   time.Time // when last last changed

	mu      sync.Mutex // guards timer and stopped
	timer   *time.Timer
	stopped bool
}

// startWatchdog arms the watchdog of s, or returns nil if it is off.
func startWatchdog(s *Sim, timeout time.Duration) *watchdog {
	if timeout <= 0 {
		return nil
	}
	w := &watchdog{s: s, timeout: timeout, since: time.Now()}
	w.mu.Lock()
	w.timer = time.AfterFunc(w.tick(), w.check)
	w.mu.Unlock()
	return w
}

// stop disarms the watchdog; the run is over.
func (w *watchdog) stop() {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.stopped = true
	w.timer.Stop()
	w.mu.Unlock()
}

// tick is the interval between checks: an eighth of the timeout, so that a
// stall is reported within 9/8 of the timeout, not up to twice it.
func (w *watchdog) tick() time.Duration { return max(w.timeout/8, time.Millisecond) }

func (w *watchdog) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	now := time.Now()
	if n := w.s.resumes.Load(); n != w.last {
		w.last, w.since = n, now
	}
	if now.Sub(w.since) < w.timeout {
		w.timer.Reset(w.tick())
		return
	}
	msg := w.s.stallMessage(w.timeout)
	fmt.Fprintf(os.Stderr, "%s\n\ngoroutines:\n%s\n", msg, allStacks())
	panic(msg)
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
