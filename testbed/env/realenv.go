package env

import (
	"fmt"
	"sync"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
)

// realEnv runs a scenario on real goroutines.
type realEnv struct {
	p    Platform
	tr   *mocktracer.MockTracer
	all  sync.WaitGroup // every goroutine spawned through Go
	left *leftScopes
}

var _ Env = (*realEnv)(nil)

func newRealEnv(p Platform, topts []mocktracer.Option) *realEnv {
	opts := append([]mocktracer.Option{mocktracer.WithScopeManager(p.Manager(nil))}, topts...)
	return &realEnv{p: p, tr: mocktracer.New(opts...), left: &leftScopes{}}
}

func (e *realEnv) Platform() Platform             { return e.p }
func (e *realEnv) Tracer() *mocktracer.MockTracer { return e.tr }
func (e *realEnv) Sleep(d time.Duration)          { time.Sleep(d / RealSleepScale) }
func (e *realEnv) Now() time.Time                 { return time.Now() }
func (e *realEnv) Yield()                         {}
func (e *realEnv) NewMutex() sync.Locker          { return new(sync.Mutex) }
func (e *realEnv) NewWaitGroup() WaitGroup        { return new(sync.WaitGroup) }
func (e *realEnv) Wait()                          { e.all.Wait() }
func (e *realEnv) Logf(string, ...any)            {}
func (e *realEnv) StackContext(f func())          { f() }
func (e *realEnv) NewFuture() Future              { return &realFuture{done: make(chan struct{})} }
func (e *realEnv) NewQueue(capacity int) Queue    { return newRealQueue(capacity) }
func (e *realEnv) String() string                 { return fmt.Sprintf("real env (%s)", e.p.Name) }

func (e *realEnv) Go(name string, f func()) {
	e.all.Add(1)
	go func() {
		defer e.all.Done()
		guarded(e.p, e.tr, e.left, name, f)
	}()
}

type realFuture struct {
	done chan struct{}
	v    any
}

func (f *realFuture) Resolve(v any) {
	f.v = v
	close(f.done) // a second Resolve panics: a programming error
}

func (f *realFuture) Get() any {
	<-f.done
	return f.v
}

// realQueue is a FIFO queue with an optional bound.
type realQueue struct {
	mu       sync.Mutex
	nonEmpty *sync.Cond
	nonFull  *sync.Cond
	items    []any // guarded by mu
	capacity int
}

func newRealQueue(capacity int) *realQueue {
	q := &realQueue{capacity: capacity}
	q.nonEmpty = sync.NewCond(&q.mu)
	q.nonFull = sync.NewCond(&q.mu)
	return q
}

func (q *realQueue) Put(v any) {
	q.mu.Lock()
	for q.capacity > 0 && len(q.items) >= q.capacity {
		q.nonFull.Wait()
	}
	q.items = append(q.items, v)
	q.nonEmpty.Signal()
	q.mu.Unlock()
}

func (q *realQueue) Get() any {
	q.mu.Lock()
	for len(q.items) == 0 {
		q.nonEmpty.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.nonFull.Signal()
	q.mu.Unlock()
	return v
}
