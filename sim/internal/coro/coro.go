// Package coro runs a function as a coroutine: on its own goroutine, but
// only while its caller waits in [Coro.Resume], so that exactly one of the two
// runs at a time.
//
// It wraps [iter.Pull], whose switch costs a fraction of a channel ping-pong
// and establishes happens-before in both directions (so the race detector sees
// the hand-offs). It adds what a scheduler needs on top:
//
//   - a panic in the body is caught and reported as [Panicked], with its stack,
//     instead of re-panicking in the caller;
//   - runtime.Goexit in the body (what t.FailNow calls) is reported as
//     [Exited] instead of killing the caller's goroutine, and the goroutine is
//     finished off by [Coro.Stop] on a throwaway goroutine;
//   - a coroutine whose body returned can run another body ([Coro.Reuse]) on
//     the same goroutine, whose stack has already grown: a scheduler that
//     starts many short tasks pays for one goroutine per task alive at once,
//     not per task.
package coro

import (
	"iter"
	"runtime/debug"
	"sync"
)

// Outcome says why [Coro.Resume] returned.
type Outcome int

const (
	// Yielded means the body called [Coro.Yield]; Resume may be called again.
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

// Coro is a suspended function. The zero value is not usable; call [New].
type Coro struct {
	body  func(c *Coro)
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool

	outcome Outcome
	value   any
	stack   []byte
	exited  bool // parked after a panic or in the middle of runtime.Goexit
	ended   bool
}

// New returns a coroutine that will run body on the first [Coro.Resume].
func New(body func(c *Coro)) *Coro {
	c := &Coro{body: body}
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
			// Either way iter.Pull would re-raise the Goexit in the caller.
			c.exited = true
			yield(struct{}{})
		}()
		for {
			body := c.body
			c.body = nil
			body(c)
			// Returned: wait here for Reuse's body, or for Stop.
			c.outcome = Returned
			if !yield(struct{}{}) {
				break
			}
		}
		normal = true
	})
	return c
}

// Reuse makes a coroutine whose body returned ([Returned]) run body on
// the next [Coro.Resume], on the same goroutine. It panics if the last
// outcome was not Returned.
func (c *Coro) Reuse(body func(c *Coro)) {
	if !c.ended || c.outcome != Returned {
		panic("coro: Reuse of a coroutine whose body did not return")
	}
	c.body, c.ended = body, false
}

// Resume runs the body until it yields, returns, panics or exits. It must not
// be called again after it reports anything but [Yielded].
func (c *Coro) Resume() Outcome {
	c.outcome = Yielded
	c.next()
	if c.outcome != Yielded {
		c.ended = true
	}
	return c.outcome
}

// Yield suspends the body and returns control to the caller of Resume. It
// reports false if the coroutine was stopped instead of resumed. It must be
// called only from the body.
func (c *Coro) Yield() bool {
	return c.yield(struct{}{})
}

// Panic returns the value and stack of the panic reported by [Panicked].
func (c *Coro) Panic() (value any, stack []byte) {
	return c.value, c.stack
}

// Ended reports whether Resume has reported a final outcome.
func (c *Coro) Ended() bool { return c.ended }

// Stop releases the coroutine's goroutine. A body suspended in Yield sees
// Yield return false; a body never started never runs; a body parked after
// a panic or in runtime.Goexit finishes (its Goexit, if one was under
// way). Stop returns when the goroutine is done with the body (or at once
// if it already is).
func (c *Coro) Stop() {
	if !c.exited {
		c.stop()
		return
	}
	c.exited = false
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.stop() // re-raises the Goexit here, on this throwaway goroutine
	}()
	wg.Wait()
}
