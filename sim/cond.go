package sim

import (
	"fmt"
	"slices"
)

// Cond is a condition variable, like sync.Cond, whose waiting parks the
// task: a rendezvous point for tasks waiting for, or announcing, a change
// of a condition that they observe and change while holding L.
//
// Which waiter [Cond.Signal] wakes, when several wait, is a decision of
// the strategy (of kind [KindCond]), recorded in the schedule so that the
// run replays: sync.Cond does not promise an order, so sim tries them all.
// The options are the waiters from the longest-waiting on, so the default
// choice 0, which [DFS] tries first and [Shrink] works towards, is the
// first-in first-out order of Go's runtime.
//
// Signal and Broadcast are scheduling points; so is Wait, through L's
// Unlock and Lock.
type Cond struct {
	s   *Sim
	obj object
	// L is held while observing or changing the condition. It must be a
	// sim lock: a [*Mutex], a [*RWMutex] or an [RWMutex.RLocker].
	L       Locker
	waiters []*condWaiter // in the order they began to wait
}

type condWaiter struct {
	t     *Task
	woken bool
}

// NewCond returns a condition variable associated with l. A nil l panics.
func NewCond(s *Sim, l Locker) *Cond {
	if l == nil {
		panic("sim: NewCond with a nil Locker")
	}
	return &Cond{s: s, obj: s.newObject("cond", "NewCond"), L: l}
}

func (c *Cond) label() string { return c.obj.name }

func (c *Cond) describe() string {
	lock := fmt.Sprintf("%T", c.L)
	if l, ok := c.L.(interface{ label() string }); ok {
		lock = l.label()
	}
	return fmt.Sprintf("%s (on %s, %d waiting)", c.obj.describe(), lock, len(c.waiters))
}

// Wait atomically unlocks c.L and parks the task until a Signal or
// Broadcast wakes it, then locks c.L again before returning: a Signal
// that comes after Wait has unlocked c.L is never lost. As with
// sync.Cond, the condition may no longer hold when Wait returns (another
// task may have run first), so wait in a loop:
//
//	c.L.Lock()
//	for !condition() {
//		c.Wait()
//	}
//	... use the condition ...
//	c.L.Unlock()
//
// Calling Wait without holding c.L panics, in c.L's Unlock. A Wait that
// nothing wakes is reported as a deadlock (or a leak) naming the cond.
func (c *Cond) Wait() {
	w := &condWaiter{t: c.s.mustCur("Cond.Wait")}
	c.waiters = append(c.waiters, w) // before unlocking: a Signal from now on wakes w
	unlocked := false
	defer func() {
		if !unlocked { // Unlock panicked (c.L was not held): w waits no more
			c.waiters = slices.DeleteFunc(c.waiters, func(x *condWaiter) bool { return x == w })
		}
	}()
	c.L.Unlock()
	unlocked = true
	for !w.woken {
		c.s.block("wait", c)
	}
	c.s.op("woken", c.obj.name)
	c.L.Lock()
}

// Signal wakes one task waiting on c, if there is one: which, when several
// wait, is the strategy's decision (see [Cond]). A Signal with no waiter
// does nothing, and is not kept for a later Wait. The caller need not hold
// c.L.
func (c *Cond) Signal() {
	c.s.mustCur("Cond.Signal")
	c.s.op("signal", c.obj.name)
	if n := len(c.waiters); n > 0 {
		i := c.s.choose(KindCond, n)
		w := c.waiters[i]
		c.waiters = slices.Delete(c.waiters, i, i+1)
		w.woken = true
		c.s.wake(w.t)
	}
	c.s.point(false)
}

// Broadcast wakes every task waiting on c. The caller need not hold c.L.
func (c *Cond) Broadcast() {
	c.s.mustCur("Cond.Broadcast")
	c.s.op("broadcast", c.obj.name)
	for _, w := range c.waiters {
		w.woken = true
		c.s.wake(w.t)
	}
	clear(c.waiters)
	c.waiters = c.waiters[:0]
	c.s.point(false)
}
