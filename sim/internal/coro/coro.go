// Package coro runs functions as coroutines: each on its own goroutine, but
// only one of them, or their home goroutine, runs at a time, and each runs
// only when another hands it the turn.
//
// It wraps [iter.Pull], whose switch costs a fraction of a channel ping-pong
// and establishes happens-before in both directions (so the race detector sees
// the hand-offs). It adds what a scheduler needs on top:
//
//   - a home goroutine ([Home]) resumes a coroutine, and a coroutine hands
//     the turn either back home ([Coro.Yield]) or straight to another
//     coroutine ([Coro.SwitchTo]), which costs one switch instead of two
//     through home;
//   - a panic in the body is caught and reported as [Panicked], with its stack,
//     instead of re-panicking in the caller;
//   - runtime.Goexit in the body (what t.FailNow calls) is reported as
//     [Exited] instead of killing the caller's goroutine, and the goroutine is
//     finished off by [Coro.Stop] on a throwaway goroutine;
//   - a coroutine whose body returned can run another body ([Coro.Reuse]) on
//     the same goroutine, whose stack has already grown: a scheduler that
//     starts many short tasks pays for one goroutine per task alive at once,
//     not per task.
//
// # How a direct switch works
//
// The runtime's coroutine behind an iter.Pull is a slot that holds one parked
// goroutine: whichever goroutine switches through it (by calling the pull's
// next, or its yield) parks there and wakes the one that was parked there.
// Used as iter.Pull documents, a coroutine's slot holds either its own
// goroutine or its caller's. A direct switch from coroutine A to coroutine B
// goes through the slot B is parked in, so goroutines end up parked in one
// another's slots. The package keeps track: every parked goroutine is in
// exactly one slot, each slot knows which goroutine it holds and whether its
// pull expects next or yield (they alternate), and a switch to a goroutine
// goes through the slot it is in. [Home.Settle] puts a coroutine's goroutine
// back into its own slot, the one place from which it can be stopped or
// handed to another Home.
package coro

import (
	"iter"
	"runtime/debug"
	"sync"
)

// Outcome says why [Home.Resume] returned.
type Outcome int

const (
	// Yielded means the body called [Coro.Yield]; it may be resumed again.
	Yielded Outcome = iota + 1
	// Returned means the body returned normally.
	Returned
	// Panicked means the body panicked; see [Coro.Panic].
	Panicked
	// Exited means the body called runtime.Goexit.
	Exited
)

// String returns the outcome's name.
func (o Outcome) String() string {
	switch o {
	case Yielded:
		return "yielded"
	case Returned:
		return "returned"
	case Panicked:
		return "panicked"
	case Exited:
		return "exited"
	}
	return "unknown"
}

// party is a goroutine that takes part in the switching: a coroutine's own,
// or a Home's.
type party struct {
	at    *Coro  // the coroutine whose slot it is parked in; nil while it runs
	order *party // where to switch on waking (set by Settle), if not nil
}

// Home is the goroutine that resumes coroutines: a scheduler's loop. The
// zero value is ready to use. A Home must be used from one goroutine.
type Home struct {
	self party
	from *Coro // the coroutine that handed the turn home last
}

// Coro is a suspended function. The zero value is not usable; call [New].
type Coro struct {
	body  func(c *Coro)
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool

	self   party  // the goroutine the body runs on
	holder *party // the goroutine parked in this coroutine's slot
	odd    bool   // the slot's last switch was a next, so the next one is a yield
	home   *Home  // where Yield and the end of a body hand the turn

	outcome Outcome
	value   any
	stack   []byte
	exited  bool // parked after a panic or in the middle of runtime.Goexit
	ended   bool
	stopped bool
}

// New returns a coroutine that will run body when it is first resumed or
// switched to.
func New(body func(c *Coro)) *Coro {
	c := &Coro{body: body}
	c.self.at, c.holder = c, &c.self
	c.next, c.stop = iter.Pull(func(yield func(struct{}) bool) {
		c.yield = yield
		normal := false
		defer func() {
			if normal {
				return
			}
			if r := recover(); r != nil {
				c.outcome, c.value, c.stack = Panicked, r, debug.Stack()
			} else {
				c.outcome = Exited
			}
			// Park, and let Stop finish on a goroutine of its own: after a
			// runtime.Goexit (which cannot be stopped), and after a panic
			// too, since the panic may have been raised by a deferred call
			// during a Goexit, which resumes once this function returns.
			// Either way iter.Pull would re-raise the Goexit on the
			// goroutine parked in this coroutine's slot.
			c.exited = true
			c.park()
		}()
		for {
			body := c.body
			c.body = nil
			body(c)
			// Returned: wait here for Reuse's body, or for Stop.
			c.outcome = Returned
			c.park()
			if c.stopped {
				break
			}
		}
		normal = true
	})
	return c
}

// switchTo parks from, which is running, and wakes to, which is parked:
// through the slot to is parked in, which from then holds from. It returns
// when from is woken, after carrying out any order Settle left for it.
func switchTo(from, to *party) {
	for {
		k := to.at
		to.at, from.at, k.holder = nil, k, from
		if k.odd {
			k.odd = false
			k.yield(struct{}{})
		} else {
			k.odd = true
			k.next()
		}
		if to = from.order; to == nil {
			return
		}
		from.order = nil
	}
}

// park hands the turn home, unless the coroutine is being stopped (its
// goroutine is then on its way out).
func (c *Coro) park() {
	if c.stopped {
		return
	}
	h := c.home
	h.from = c
	switchTo(&c.self, &h.self)
}

// Reuse makes a coroutine whose body returned ([Returned]) run body when it
// is next resumed or switched to, on the same goroutine. It panics if the
// last outcome was not Returned.
func (c *Coro) Reuse(body func(c *Coro)) {
	if !c.ended || c.outcome != Returned {
		panic("coro: Reuse of a coroutine whose body did not return")
	}
	c.body, c.ended = body, false
}

// Resume hands the turn to c and returns when a coroutine hands it back
// home: c, or one that c (or one after it) switched to directly. It returns
// that coroutine and why it came home. A coroutine must not be resumed or
// switched to after it came home with anything but [Yielded].
func (h *Home) Resume(c *Coro) (*Coro, Outcome) {
	c.home = h
	switchTo(&h.self, &c.self)
	from := h.from
	h.from = nil
	if from.outcome != Yielded {
		from.ended = true
	}
	return from, from.outcome
}

// Settle puts c's goroutine back into c's own slot, where [Coro.Stop] and
// another Home expect it, if direct switches moved it. It must be called
// from h's goroutine while c is suspended, and costs three switches when c
// has moved (none when it has not).
func (h *Home) Settle(c *Coro) {
	g := &c.self
	if g.at == c {
		return
	}
	// g wakes and switches through its own slot, waking the goroutine
	// parked there, which switches back home.
	holder := c.holder
	g.order, holder.order = holder, &h.self
	switchTo(&h.self, g)
}

// Yield suspends the body and hands the turn home. It reports false if the
// coroutine was stopped instead of resumed. It must be called only from the
// body.
func (c *Coro) Yield() bool {
	if c.stopped {
		return false
	}
	c.outcome = Yielded
	c.park()
	return !c.stopped
}

// SwitchTo suspends the body and hands the turn straight to d, which must
// be suspended (or not started) and belong to the same Home. It reports
// false if c was stopped instead of being switched back to. It must be
// called only from c's body.
func (c *Coro) SwitchTo(d *Coro) bool {
	if c.stopped {
		return false
	}
	d.home = c.home
	switchTo(&c.self, &d.self)
	return !c.stopped
}

// Panic returns the value and stack of the panic reported by [Panicked].
func (c *Coro) Panic() (value any, stack []byte) {
	return c.value, c.stack
}

// Ended reports whether the coroutine came home with a final outcome.
func (c *Coro) Ended() bool { return c.ended }

// Stop releases the coroutine's goroutine. A body suspended in Yield or
// SwitchTo sees it return false; a body never started never runs; a body
// parked after a panic or in runtime.Goexit finishes (its Goexit, if one
// was under way). Stop returns when the goroutine is done with the body (or
// at once if it already is). The coroutine must be settled ([Home.Settle]).
func (c *Coro) Stop() {
	if c.stopped {
		return
	}
	if c.self.at != c {
		panic("coro: Stop of a coroutine parked outside its own slot (Settle it first)")
	}
	c.stopped = true
	if !c.exited {
		c.stop()
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.stop() // re-raises the Goexit here, on this throwaway goroutine
	}()
	wg.Wait()
}
