package sim

import "fmt"

// Chan is a channel between tasks, like a Go channel of the given capacity
// (0 = unbuffered: a send waits for a receiver). Send, Recv and Close are
// scheduling points; waiting parks the task. Use [Sim.Select] for select.
type Chan[T any] struct {
	s      *Sim
	obj    object
	cap    int
	buf    []T
	closed bool
	recvq  []*waiter[T]
	sendq  []*waiter[T]
}

// waiter is a task waiting in a channel operation, alone or as one case of
// a select (then sel is shared by its cases, and the first counterpart to
// complete one of them wins).
type waiter[T any] struct {
	t      *Task
	sel    *selectState
	idx    int  // case index in the select
	v      T    // value sent, or received
	ok     bool // received a value (false: channel closed)
	closed bool // a sender woken by close
	done   bool
}

type selectState struct {
	done  bool
	fired int
}

func (w *waiter[T]) stale() bool { return w.sel != nil && w.sel.done }

// NewChan returns a channel with the given capacity.
func NewChan[T any](s *Sim, capacity int) *Chan[T] {
	obj := s.newObject("chan", "NewChan")
	if capacity < 0 {
		panic("sim: negative channel capacity")
	}
	return &Chan[T]{s: s, obj: obj, cap: capacity}
}

func (c *Chan[T]) label() string { return c.obj.name }

func (c *Chan[T]) describe() string {
	if c.cap == 0 {
		return c.obj.describe()
	}
	return fmt.Sprintf("%s (%d/%d buffered)", c.obj.describe(), len(c.buf), c.cap)
}

// Len returns the number of buffered values.
func (c *Chan[T]) Len() int {
	c.s.mustCur("Chan.Len")
	return len(c.buf)
}

// Cap returns the capacity.
func (c *Chan[T]) Cap() int { return c.cap }

// complete finishes w's operation and wakes its task.
func (c *Chan[T]) complete(w *waiter[T]) {
	w.done = true
	if w.sel != nil {
		w.sel.done, w.sel.fired = true, w.idx
	}
	c.s.wake(w.t)
}

// dequeue removes and returns the first live waiter of q.
func dequeue[T any](q *[]*waiter[T]) *waiter[T] {
	for len(*q) > 0 {
		w := (*q)[0]
		(*q)[0] = nil
		*q = (*q)[1:]
		if !w.stale() {
			return w
		}
	}
	return nil
}

func hasLive[T any](q []*waiter[T]) bool {
	for _, w := range q {
		if !w.stale() {
			return true
		}
	}
	return false
}

func (c *Chan[T]) canSend() bool {
	return c.closed || hasLive(c.recvq) || len(c.buf) < c.cap
}

func (c *Chan[T]) canRecv() bool {
	return len(c.buf) > 0 || hasLive(c.sendq) || c.closed
}

// trySend sends v without blocking if it can; it panics if c is closed.
func (c *Chan[T]) trySend(v T) bool {
	if c.closed {
		panic("sim: send on closed " + c.obj.describe())
	}
	if w := dequeue(&c.recvq); w != nil {
		w.v, w.ok = v, true
		c.complete(w)
		return true
	}
	if len(c.buf) < c.cap {
		c.buf = append(c.buf, v)
		return true
	}
	return false
}

// tryRecv receives without blocking if it can (done reports whether it did).
func (c *Chan[T]) tryRecv() (v T, ok, done bool) {
	if len(c.buf) > 0 {
		v = c.buf[0]
		var zero T
		c.buf[0] = zero
		c.buf = c.buf[1:]
		if w := dequeue(&c.sendq); w != nil {
			c.buf = append(c.buf, w.v)
			c.complete(w)
		}
		return v, true, true
	}
	if w := dequeue(&c.sendq); w != nil {
		v = w.v
		c.complete(w)
		return v, true, true
	}
	if c.closed {
		return v, false, true
	}
	return v, false, false
}

// Send sends v, waiting for buffer space or a receiver. Sending on a closed
// channel panics.
func (c *Chan[T]) Send(v T) {
	c.s.point(false)
	if c.trySend(v) {
		c.s.op("sent", c.obj.name)
		return
	}
	w := &waiter[T]{t: c.s.cur, v: v}
	c.sendq = append(c.sendq, w)
	for !w.done {
		c.s.block("send", c)
	}
	if w.closed {
		panic("sim: send on closed " + c.obj.describe())
	}
	c.s.op("sent", c.obj.name)
}

// Recv receives a value, waiting for one. ok is false if the channel is
// closed and drained.
func (c *Chan[T]) Recv() (v T, ok bool) {
	c.s.point(false)
	if v, ok, done := c.tryRecv(); done {
		c.s.op("received", c.obj.name)
		return v, ok
	}
	w := &waiter[T]{t: c.s.cur}
	c.recvq = append(c.recvq, w)
	for !w.done {
		c.s.block("recv", c)
	}
	c.s.op("received", c.obj.name)
	return w.v, w.ok
}

// Close closes the channel: waiting receivers get the zero value and false,
// waiting senders panic. Closing a closed channel panics.
func (c *Chan[T]) Close() {
	c.s.mustCur("Chan.Close")
	if c.closed {
		panic("sim: close of closed " + c.obj.describe())
	}
	c.closed = true
	c.s.op("close", c.obj.name)
	for w := dequeue(&c.recvq); w != nil; w = dequeue(&c.recvq) {
		c.complete(w)
	}
	for w := dequeue(&c.sendq); w != nil; w = dequeue(&c.sendq) {
		w.closed = true
		c.complete(w)
	}
	c.s.point(false)
}

// removeSel drops the waiters of a finished select from the queues.
func (c *Chan[T]) removeSel(st *selectState) {
	del := func(w *waiter[T]) bool { return w.sel == st }
	c.recvq = deleteFunc(c.recvq, del)
	c.sendq = deleteFunc(c.sendq, del)
}

func deleteFunc[T any](q []*waiter[T], del func(*waiter[T]) bool) []*waiter[T] {
	out := q[:0]
	for _, w := range q {
		if !del(w) {
			out = append(out, w)
		}
	}
	for i := len(out); i < len(q); i++ {
		q[i] = nil
	}
	return out
}
