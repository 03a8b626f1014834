package env

import (
	"context"
	"sync"

	"github.com/tracebed/tracebed/sim"
)

// Future is a value of type T set once, by Resolve, and read by any number
// of tasks, made by NewFuture for one run.
type Future[T any] struct {
	s    *sim.Sim            // under sim
	c    *sim.Chan[struct{}] // under sim: closed by Resolve
	done chan struct{}       // on real goroutines: closed by Resolve
	mu   sync.Mutex          // on real goroutines: guards resolved
	v    T                   // set before c or done is closed
	set  bool                // under sim; on real goroutines guarded by mu
}

// NewFuture makes an unresolved future on e's runtime.
func NewFuture[T any](e Env) *Future[T] {
	if s := e.sim(); s != nil {
		return &Future[T]{s: s, c: sim.NewChan[struct{}](s, 0)}
	}
	return &Future[T]{done: make(chan struct{})}
}

// Resolve sets the value and wakes the waiters. A second Resolve panics: a
// programming error.
func (f *Future[T]) Resolve(v T) {
	if f.c != nil {
		if f.set {
			panic("env: future resolved twice")
		}
		f.v, f.set = v, true
		f.c.Close()
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.set {
		panic("env: future resolved twice")
	}
	f.v, f.set = v, true
	close(f.done)
}

// Get blocks until the value is set and returns it.
func (f *Future[T]) Get() T {
	if f.c != nil {
		f.c.Recv()
	} else {
		<-f.done
	}
	return f.v
}

// GetContext is Get, giving up when ctx is done: it then returns ctx.Err().
// Under sim, a value and the end of ctx that are both there when it looks
// are a decision of the strategy: a reply racing a timeout at the same
// virtual instant goes either way, each explored.
func (f *Future[T]) GetContext(ctx context.Context) (T, error) {
	if f.c == nil {
		select {
		case <-f.done:
			return f.v, nil
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	var err error
	f.s.Select(sim.OnRecv(f.c, nil), sim.OnDone(ctx, func(e error) { err = e }))
	if err != nil {
		var zero T
		return zero, err
	}
	return f.v, nil
}

// Task is a task spawned by Env.Go.
type Task struct {
	name string
	done *Future[struct{}]
}

// Name is the name the task was spawned with.
func (t *Task) Name() string { return t.name }

// Join waits until the task's function has returned.
func (t *Task) Join() { t.done.Get() }

// JoinContext is Join, giving up when ctx is done: it then returns
// ctx.Err().
func (t *Task) JoinContext(ctx context.Context) error {
	_, err := t.done.GetContext(ctx)
	return err
}
