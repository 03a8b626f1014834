package sim

import (
	"context"
	"time"
)

// ctxWatch is a pending wait on a done channel: a task blocked in
// [Sim.WaitDone] or an [OnDone] case, or a sim context following a parent
// that is not one. The scheduler polls watches at every step, so it sees
// cancellations made by any context, as long as they are made by tasks or
// timers of the simulation.
type ctxWatch struct {
	done <-chan struct{}
	f    func()
	dead bool
}

// watch registers f to run (once, from the scheduler) when done is closed.
func (s *Sim) watch(done <-chan struct{}, f func()) *ctxWatch {
	w := &ctxWatch{done: done, f: f}
	s.watches = append(s.watches, w)
	return w
}

// pollWatches fires the watches whose channel is closed, in registration
// order, until none is (a fired watch may cancel another context).
func (s *Sim) pollWatches() {
	for len(s.watches) > 0 && s.pollOnce() {
	}
}

func (s *Sim) pollOnce() bool {
	if len(s.watches) == 0 {
		return false
	}
	kept := s.watches[:0]
	var fire []*ctxWatch
	for _, w := range s.watches {
		if w.dead {
			continue
		}
		select {
		case <-w.done:
			fire = append(fire, w)
		default:
			kept = append(kept, w)
		}
	}
	clear(s.watches[len(kept):])
	s.watches = kept
	for _, w := range fire {
		w.dead = true
		w.f()
	}
	return len(fire) > 0
}

// simCtx is a context whose deadline is in virtual time.
type simCtx struct {
	context.Context // the parent, for Value
	s               *Sim
	deadline        time.Time
	hasDeadline     bool
	done            chan struct{}
	err             error
	timer           *timer
	parentWatch     *ctxWatch
	afterFuncs      []*afterFunc
}

type afterFunc struct {
	f    func()
	done bool
}

// WithCancel returns a copy of parent with a new done channel, closed when
// cancel is called or when parent's is. Use it (rather than
// context.WithCancel) for a context whose Deadline must be virtual; either
// works with [Sim.WaitDone] and [OnDone].
func (s *Sim) WithCancel(parent context.Context) (context.Context, context.CancelFunc) {
	s.mustCur("Sim.WithCancel")
	c := s.newCtx(parent)
	return c, c.cancelFunc
}

// WithTimeout is [Sim.WithDeadline] at Now()+d.
func (s *Sim) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	s.mustCur("Sim.WithTimeout")
	return s.WithDeadline(parent, s.epoch.Add(s.now+d))
}

// WithDeadline returns a copy of parent that is cancelled with
// context.DeadlineExceeded when the virtual clock reaches deadline (or
// earlier, by cancel or with parent). Tasks waiting for it in
// [Sim.WaitDone] or [OnDone] wake; time jumps to the deadline when nothing
// else can run.
func (s *Sim) WithDeadline(parent context.Context, deadline time.Time) (context.Context, context.CancelFunc) {
	s.mustCur("Sim.WithDeadline")
	c := s.newCtx(parent)
	if pd, ok := parent.Deadline(); ok && pd.Before(deadline) {
		deadline = pd
	}
	c.deadline, c.hasDeadline = deadline, true
	if c.err == nil {
		c.timer = s.addTimer(deadline.Sub(s.epoch.Add(s.now)), func() { c.cancel(context.DeadlineExceeded) })
	}
	return c, c.cancelFunc
}

// cancelFunc is the CancelFunc of a sim context: called by a task.
func (c *simCtx) cancelFunc() {
	c.s.mustCur("a sim context's CancelFunc")
	c.cancel(context.Canceled)
}

func (s *Sim) newCtx(parent context.Context) *simCtx {
	if parent == nil {
		panic("sim: cannot create context from nil parent")
	}
	c := &simCtx{Context: parent, s: s, done: make(chan struct{})}
	switch p := parent.(type) {
	case *simCtx:
		if p.err != nil {
			c.cancel(p.err)
		} else {
			p.afterFuncs = append(p.afterFuncs, &afterFunc{f: func() { c.cancel(p.err) }})
		}
	default:
		if d := parent.Done(); d != nil {
			select {
			case <-d:
				c.cancel(parent.Err())
			default:
				c.parentWatch = s.watch(d, func() { c.cancel(parent.Err()) })
			}
		}
	}
	return c
}

func (c *simCtx) cancel(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	close(c.done)
	if c.timer != nil {
		c.s.stopTimer(c.timer)
	}
	if c.parentWatch != nil {
		c.parentWatch.dead = true
	}
	for _, a := range c.afterFuncs {
		if !a.done {
			a.done = true
			a.f()
		}
	}
	c.afterFuncs = nil
}

func (c *simCtx) Deadline() (time.Time, bool) {
	if c.hasDeadline {
		return c.deadline, true
	}
	return c.Context.Deadline()
}

func (c *simCtx) Done() <-chan struct{} { return c.done }
func (c *simCtx) Err() error            { return c.err }

// AfterFunc lets context.WithCancel and friends, given a sim context as
// parent, follow its cancellation without starting a goroutine. f runs
// synchronously, from the task or timer that cancels.
func (c *simCtx) AfterFunc(f func()) (stop func() bool) {
	a := &afterFunc{f: f}
	if c.err != nil {
		a.done = true
		f()
		return func() bool { return false }
	}
	c.afterFuncs = append(c.afterFuncs, a)
	return func() bool {
		if a.done {
			return false
		}
		a.done = true
		return true
	}
}

func (c *simCtx) String() string { return "sim.WithCancel" }

// WaitDone blocks the current task until ctx is done and returns ctx.Err().
// Any context works, including the standard library's, as long as it is
// cancelled by a task or timer of the simulation (not by wall-clock time or
// another goroutine): waiting for a context that nothing cancels is a
// deadlock. It is a scheduling point.
//
// The standard library's context.WithCancel (or WithCancelCause,
// AfterFunc) given a sim context as its direct parent follows it without a
// goroutine. Given a context.WithValue on top of a sim context, it starts a
// goroutine (which escapes the scheduler): use [Sim.WithCancel] there, and
// never context.WithTimeout, whose timer is wall-clock.
func (s *Sim) WaitDone(ctx context.Context) error {
	s.point(false)
	d := ctx.Done()
	if d == nil {
		for {
			s.block("wait", waitCtx{})
		}
	}
	t := s.cur
	fired := false
	w := s.watch(d, func() { fired = true; s.wake(t) })
	s.pollWatches()
	for !fired {
		s.block("wait", waitCtx{})
	}
	w.dead = true
	return ctx.Err()
}

type waitCtx struct{}

func (waitCtx) describe() string { return "ctx.Done()" }
func (waitCtx) label() string    { return "ctx" }

type doneCase struct {
	ctx context.Context
	f   func(error)
	w   *ctxWatch
}

// OnDone is a select case that proceeds when ctx is done; f (which may be
// nil) gets ctx.Err(). See [Sim.WaitDone] for which contexts work.
func OnDone(ctx context.Context, f func(err error)) SelectCase { return &doneCase{ctx: ctx, f: f} }

func (dc *doneCase) isDefault() bool  { return false }
func (dc *doneCase) describe() string { return "ctx.Done()" }
func (dc *doneCase) ready() bool {
	d := dc.ctx.Done()
	if d == nil {
		return false
	}
	select {
	case <-d:
		return true
	default:
		return false
	}
}
func (dc *doneCase) commit() {
	if dc.f != nil {
		dc.f(dc.ctx.Err())
	}
}
func (dc *doneCase) enqueue(t *Task, st *selectState, idx int) {
	d := dc.ctx.Done()
	if d == nil {
		return
	}
	dc.w = t.s.watch(d, func() {
		if !st.done {
			st.done, st.fired = true, idx
			t.s.wake(t)
		}
	})
}
func (dc *doneCase) finish(st *selectState, fired bool) {
	if dc.w != nil {
		dc.w.dead = true
	}
	if fired {
		dc.commit()
	}
}
