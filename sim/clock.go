package sim

import (
	"container/heap"
	"slices"
	"time"
)

// timer is a pending action at a virtual instant.
type timer struct {
	when time.Duration
	seq  int // creation order, for a stable tie order before the decision
	f    func()
	idx  int // index in the heap, -1 once fired or stopped
}

// timerHeap orders timers by when, then seq.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when != h[j].when {
		return h[i].when < h[j].when
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.idx = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.idx = -1
	return t
}

// addTimer schedules f at now+d (d < 0 counts as 0).
func (s *Sim) addTimer(d time.Duration, f func()) *timer {
	if d < 0 {
		d = 0
	}
	s.tseq++
	t := &timer{when: s.now + d, seq: s.tseq, f: f}
	heap.Push(&s.timers, t)
	if d == 0 {
		s.dueValid = false // due now: one more for the cached list
	}
	return t
}

// stopTimer cancels t; it reports whether t was pending.
func (s *Sim) stopTimer(t *timer) bool {
	if t.idx < 0 {
		return false
	}
	heap.Remove(&s.timers, t.idx)
	if t.when <= s.now {
		s.dueValid = false // it may be in the cached list
	}
	return true
}

// fireTimer fires one timer. With delay false (no task can run) it
// advances virtual time to the earliest pending timer and fires one of the
// timers due then; which one, if several, is a decision. With delay true
// (tasks can run, and a timer is due now) the decision has one more
// option, the last: fire none yet and let the tasks run, which counts as a
// preemption. It reports whether a timer fired.
func (s *Sim) fireTimer(delay bool) bool {
	if len(s.timers) == 0 {
		return false
	}
	if w := s.timers[0].when; w > s.now {
		s.now = w
	}
	// The timers due now are listed once per instant, and the list kept
	// while only firing changes it, with a set of the ones still due:
	// thousands of timers due at one instant fire in O(log n) each, not
	// in a walk and a sort of them all each.
	if !s.dueValid || s.dueAt != s.now {
		s.dueTimers()
		s.dueLeft = runSet{}
		for i := range s.due {
			s.dueLeft.add(i)
		}
		s.dueValid, s.dueAt = true, s.now
	}
	n, rule := s.dueLeft.n, preemptNone
	if delay {
		n, rule = n+1, preemptLast
	}
	i := s.chooseRule(KindTimer, n, rule)
	if i == s.dueLeft.n {
		return false
	}
	pos := s.dueLeft.kth(i)
	s.dueLeft.remove(pos)
	t := s.due[pos]
	heap.Remove(&s.timers, t.idx)
	s.record(Event{Kind: EvTimer, Task: -1, Arg: t.seq})
	t.f()
	return true
}

// dueTimers lists the timers due now in s.due, in creation order: the top
// of the heap, walked down only through due timers, so that it costs what
// is due and not what is pending.
func (s *Sim) dueTimers() {
	due := s.due[:0]
	if len(s.timers) > 0 && s.timers[0].when <= s.now {
		due = append(due, s.timers[0])
	}
	for i := 0; i < len(due); i++ {
		for _, c := range [2]int{2*due[i].idx + 1, 2*due[i].idx + 2} {
			if c < len(s.timers) && s.timers[c].when <= s.now {
				due = append(due, s.timers[c])
			}
		}
	}
	if len(due) > 1 {
		slices.SortFunc(due, func(a, b *timer) int { return a.seq - b.seq })
	}
	s.due = due
}

// Now returns the virtual time. It stands still while any task can run and
// jumps to the next timer when none can.
func (s *Sim) Now() time.Time {
	s.mustCur("Sim.Now")
	return s.epoch.Add(s.now)
}

// Since returns the virtual time elapsed since t.
func (s *Sim) Since(t time.Time) time.Duration {
	s.mustCur("Sim.Since")
	return s.epoch.Add(s.now).Sub(t)
}

// Elapsed returns the virtual time elapsed since the run started.
func (s *Sim) Elapsed() time.Duration {
	s.mustCur("Sim.Elapsed")
	return s.now
}

// Sleep blocks the current task for d of virtual time. Sleep(d) with d <= 0
// is a [Sim.Yield].
func (s *Sim) Sleep(d time.Duration) {
	t := s.mustCur("Sim.Sleep")
	if d <= 0 {
		s.Yield()
		return
	}
	fired := false
	s.addTimer(d, func() { fired = true; s.wake(t) })
	until := sleepWait{s.now + d}
	for !fired {
		s.block("sleep", until)
	}
}

// Timer is a virtual-time timer, like [time.Timer]: when it fires, the
// current virtual time is sent on C (a channel of capacity 1), or, for
// [Sim.AfterFunc], a new task runs the function.
type Timer struct {
	// C receives the virtual time when the timer fires (nil for AfterFunc
	// timers).
	C *Chan[time.Time]
	s *Sim
	t *timer
	f func()
}

// NewTimer returns a timer that fires after d of virtual time.
func (s *Sim) NewTimer(d time.Duration) *Timer {
	s.mustCur("Sim.NewTimer")
	tm := &Timer{s: s, C: NewChan[time.Time](s, 1)}
	tm.f = func() { tm.C.trySend(s.epoch.Add(s.now)) }
	tm.t = s.addTimer(d, tm.f)
	return tm
}

// After returns a channel that receives the virtual time after d, like
// [time.After].
func (s *Sim) After(d time.Duration) *Chan[time.Time] {
	s.mustCur("Sim.After")
	return s.NewTimer(d).C
}

// AfterFunc runs f in a new task (named "afterfunc") after d of virtual
// time, unless the timer is stopped first. The task starts with the
// inheritable [Local] values of the caller of AfterFunc.
func (s *Sim) AfterFunc(d time.Duration, f func()) *Timer {
	locals := inheritable(s.mustCur("Sim.AfterFunc").locals)
	tm := &Timer{s: s}
	tm.f = func() { s.goDetached("afterfunc", f, locals) }
	tm.t = s.addTimer(d, tm.f)
	return tm
}

// Stop prevents the timer from firing; it reports whether it was pending.
func (tm *Timer) Stop() bool {
	tm.s.mustCur("Timer.Stop")
	return tm.s.stopTimer(tm.t)
}

// Reset makes the timer fire after d from now; it reports whether it was
// pending.
func (tm *Timer) Reset(d time.Duration) bool {
	tm.s.mustCur("Timer.Reset")
	was := tm.s.stopTimer(tm.t)
	tm.t = tm.s.addTimer(d, tm.f)
	return was
}
