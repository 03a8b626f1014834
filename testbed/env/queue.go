package env

import (
	"context"
	"sync"

	"github.com/tracebed/tracebed/sim"
)

// Queue is a FIFO queue of T values, made by NewQueue for one run: a sim
// channel under sim, a locked slice on real goroutines.
type Queue[T any] struct {
	s *sim.Sim      // under sim
	c *sim.Chan[T]  // under sim
	r *realQueue[T] // on real goroutines
}

// unboundedQueueCap stands for "unbounded" on sim channels.
const unboundedQueueCap = 1 << 16

// NewQueue makes a FIFO queue on e's runtime: Get blocks while it is
// empty, Put while it holds capacity values (capacity 0 means unbounded).
func NewQueue[T any](e Env, capacity int) *Queue[T] {
	if s := e.sim(); s != nil {
		if capacity <= 0 {
			capacity = unboundedQueueCap
		}
		return &Queue[T]{s: s, c: sim.NewChan[T](s, capacity)}
	}
	return &Queue[T]{r: &realQueue[T]{capacity: capacity, changed: make(chan struct{})}}
}

// Put adds v at the back, blocking while the queue is full.
func (q *Queue[T]) Put(v T) {
	if q.c != nil {
		q.c.Send(v)
		return
	}
	q.r.put(v)
}

// Get removes and returns the value at the front, blocking while the
// queue is empty.
func (q *Queue[T]) Get() T {
	if q.c != nil {
		v, _ := q.c.Recv()
		return v
	}
	v, _ := q.r.get(context.Background())
	return v
}

// GetContext is Get, giving up when ctx is done: it then returns ctx.Err().
// Under sim, a value and the end of ctx that are both there when it looks
// are a decision of the strategy, so exploring reaches both outcomes.
func (q *Queue[T]) GetContext(ctx context.Context) (T, error) {
	if q.c == nil {
		return q.r.get(ctx)
	}
	var (
		v   T
		err error
	)
	q.s.Select(
		sim.OnRecv(q.c, func(got T, _ bool) { v = got }),
		sim.OnDone(ctx, func(e error) { err = e }),
	)
	return v, err
}

// realQueue is a FIFO queue with an optional bound, for real goroutines.
type realQueue[T any] struct {
	mu       sync.Mutex
	items    []T           // guarded by mu
	capacity int           // 0: unbounded
	changed  chan struct{} // guarded by mu; closed and replaced at every change of items
}

// changedLocked wakes every waiter: they look again.
func (q *realQueue[T]) changedLocked() {
	close(q.changed)
	q.changed = make(chan struct{})
}

func (q *realQueue[T]) put(v T) {
	q.mu.Lock()
	for q.capacity > 0 && len(q.items) >= q.capacity {
		ch := q.changed
		q.mu.Unlock()
		<-ch
		q.mu.Lock()
	}
	q.items = append(q.items, v)
	q.changedLocked()
	q.mu.Unlock()
}

func (q *realQueue[T]) get(ctx context.Context) (T, error) {
	q.mu.Lock()
	for len(q.items) == 0 {
		ch := q.changed
		q.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		q.mu.Lock()
	}
	v := q.items[0]
	var zero T
	q.items[0] = zero // let the value be collected
	q.items = q.items[1:]
	q.changedLocked()
	q.mu.Unlock()
	return v, nil
}
