package sim

import (
	"fmt"
	"time"
)

// Loop is an event loop: one task running callbacks one at a time, in the
// order they were scheduled (the asyncio / Tornado IOLoop model). Each
// callback runs with the inheritable [Local] values captured from the task
// that scheduled it (the contextvars / stack_context model); afterwards the
// loop task's own inheritable values are restored. Non-inheritable values
// belong to the loop task, like thread-locals of the loop's thread: every
// callback sees them and changes persist. The boundary between two callbacks
// is a scheduling point.
type Loop struct {
	s       *Sim
	obj     object
	task    *Task
	queue   []loopCallback
	timers  map[*timer]struct{}
	stopped bool
	exited  bool
	idle    bool
	waiters []*Task
}

type loopCallback struct {
	f      func()
	locals map[*localKey]any
}

// NewLoop starts an event loop in a new task called name. NewLoop is a
// scheduling point (it spawns).
func NewLoop(s *Sim, name string) *Loop {
	l := &Loop{s: s, obj: s.newObject("loop", "NewLoop"), timers: make(map[*timer]struct{})}
	l.task = s.Go(name, l.run)
	return l
}

func (l *Loop) label() string { return l.obj.name }

func (l *Loop) describe() string {
	return fmt.Sprintf("%s (%d queued)", l.obj.describe(), len(l.queue))
}

// Task returns the loop's task.
func (l *Loop) Task() *Task { return l.task }

func (l *Loop) run() {
	defer l.exit()
	t := l.s.cur
	for {
		for len(l.queue) == 0 {
			if l.stopped {
				return
			}
			l.idle = true
			l.s.block("idle", l)
			l.idle = false
		}
		cb := l.queue[0]
		l.queue[0] = loopCallback{}
		l.queue = l.queue[1:]
		saved := enterCallback(t, cb.locals)
		cb.f()
		leaveCallback(t, saved)
		l.s.point(false)
	}
}

func (l *Loop) exit() {
	l.exited = true
	for tm := range l.timers {
		l.s.stopTimer(tm)
	}
	l.timers = nil
	for _, w := range l.waiters {
		l.s.wake(w)
	}
	l.waiters = nil
}

func (l *Loop) enqueue(f func(), locals map[*localKey]any) {
	if l.exited {
		panic("sim: callback scheduled on exited " + l.obj.describe())
	}
	l.queue = append(l.queue, loopCallback{f: f, locals: locals})
	if l.idle {
		l.s.wake(l.task)
	}
}

func (l *Loop) captured() map[*localKey]any {
	if l.s.cur == nil {
		return nil
	}
	return inheritable(l.s.cur.locals)
}

// CallSoon schedules f to run on the loop after the callbacks already
// queued. It is not a scheduling point. Scheduling on a loop that has
// exited panics.
func (l *Loop) CallSoon(f func()) {
	l.s.mustCur("Loop.CallSoon")
	l.enqueue(f, l.captured())
}

// CallLater schedules f to be queued on the loop after d of virtual time.
// The callback is dropped if the loop exits first.
func (l *Loop) CallLater(d time.Duration, f func()) {
	l.s.mustCur("Loop.CallLater")
	if l.exited {
		panic("sim: callback scheduled on exited " + l.obj.describe())
	}
	locals := l.captured()
	var tm *timer
	tm = l.s.addTimer(d, func() {
		delete(l.timers, tm)
		if !l.exited {
			l.enqueue(f, locals)
		}
	})
	l.timers[tm] = struct{}{}
}

// Stop asks the loop to exit once the callbacks queued so far (and those
// they queue with CallSoon) have run. Pending CallLater callbacks are
// dropped. It is not a scheduling point.
func (l *Loop) Stop() {
	l.s.mustCur("Loop.Stop")
	l.stopped = true
	if l.idle {
		l.s.wake(l.task)
	}
}

// Wait blocks until the loop has exited. It is a scheduling point.
func (l *Loop) Wait() {
	l.s.point(false)
	for !l.exited {
		l.waiters = append(l.waiters, l.s.cur)
		l.s.block("wait", l)
	}
}
