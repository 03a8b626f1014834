package sim

import (
	"context"
	"time"
)

// ctxWatch is a pending wait on the done channel of a context that is not
// one of the simulation's (a sim context tells its waiters itself, see
// [Sim.onDone]): a task blocked in [Sim.WaitDone] or an [OnDone] case, or
// a sim context following such a parent. The scheduler polls watches at
// every step, so it sees cancellations made by any context, as long as
// they are made by tasks or timers of the simulation; a step costs
// O(watches) only while there are some.
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

// onDone arranges for f to run once when ctx, whose done channel is d, is
// done, and returns a function that cancels the arrangement. A sim
// context of this simulation calls f itself, from the task or timer that
// cancels it (at once if it is done already), so that waiting for it
// costs the steps nothing; any other context is watched.
func (s *Sim) onDone(ctx context.Context, d <-chan struct{}, f func()) (stop func()) {
	if c, ok := ctx.(*simCtx); ok && c.s == s {
		if c.err != nil {
			f()
			return func() {}
		}
		a := c.addAfter(f)
		return func() { c.stopAfter(a) }
	}
	w := s.watch(d, f)
	return func() { w.dead = true }
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
	parentAfter     *afterFunc // its entry in a sim parent's afterFuncs
	afterFuncs      []*afterFunc
	deadAfter       int // afterFuncs entries stopped since the last compaction
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
			c.parentAfter = p.addAfter(func() { c.cancel(p.err) })
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
	if c.parentAfter != nil {
		c.Context.(*simCtx).stopAfter(c.parentAfter) // its parent need not keep it
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
	// context.WithCancel, WithTimeout and AfterFunc of a sim context call
	// this: from a goroutine that is not a task it would change the
	// context under the scheduler.
	c.s.mustCur("context.AfterFunc (or WithCancel, WithTimeout, WithDeadline) on a sim context")
	if c.err != nil {
		f()
		return func() bool { return false }
	}
	a := c.addAfter(f)
	return func() bool {
		c.s.mustCur("the stop function of context.AfterFunc (or the cancel of a context derived) on a sim context")
		return c.stopAfter(a)
	}
}

// stopAfter stops a, an entry of c.afterFuncs, and reports whether it was
// still to run. A stopped entry counts towards addAfter's compaction.
func (c *simCtx) stopAfter(a *afterFunc) bool {
	if a.done {
		return false
	}
	a.done = true
	c.deadAfter++
	return true
}

// addAfter registers f to run when c is cancelled. It drops the entries
// stopped since the last time once they are half of them, so that a
// long-lived context waited on in a loop (a select on ctx.Done() per
// request) keeps only the live ones.
func (c *simCtx) addAfter(f func()) *afterFunc {
	if c.deadAfter > 16 && 2*c.deadAfter >= len(c.afterFuncs) {
		kept := c.afterFuncs[:0]
		for _, a := range c.afterFuncs {
			if !a.done {
				kept = append(kept, a)
			}
		}
		clear(c.afterFuncs[len(kept):])
		c.afterFuncs, c.deadAfter = kept, 0
	}
	a := &afterFunc{f: f}
	c.afterFuncs = append(c.afterFuncs, a)
	return a
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
	stop := s.onDone(ctx, d, func() { fired = true; s.wake(t) })
	s.pollWatches()
	for !fired {
		s.block("wait", waitCtx{})
	}
	stop()
	return ctx.Err()
}

type waitCtx struct{}

func (waitCtx) describe() string { return "ctx.Done()" }
func (waitCtx) label() string    { return "ctx" }

type doneCase struct {
	ctx  context.Context
	f    func(error)
	stop func() // cancels the wait registered by enqueue
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
	dc.stop = t.s.onDone(dc.ctx, d, func() {
		if !st.done {
			st.done, st.fired = true, idx
			t.s.wake(t)
		}
	})
}
func (dc *doneCase) finish(st *selectState, fired bool) {
	if dc.stop != nil {
		dc.stop()
		dc.stop = nil
	}
	if fired {
		dc.commit()
	}
}
