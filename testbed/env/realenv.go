package env

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// realEnv runs a scenario on real goroutines.
type realEnv struct {
	p    Platform
	tr   opentracing.Tracer
	rec  check.Recorder
	all  sync.WaitGroup // every goroutine spawned through Go
	left *leftScopes
}

var _ Env = (*realEnv)(nil)

func newRealEnv(p Platform, cfg Config) *realEnv {
	e := &realEnv{p: p, left: &leftScopes{}}
	e.tr, e.rec = newTracer(cfg, TracerConfig{ScopeManager: p.Manager(nil), Now: time.Now})
	return e
}

func (e *realEnv) Platform() Platform         { return e.p }
func (e *realEnv) Tracer() opentracing.Tracer { return e.tr }
func (e *realEnv) Recorder() check.Recorder   { return e.rec }
func (e *realEnv) Sleep(d time.Duration)      { time.Sleep(d / RealSleepScale) }
func (e *realEnv) Now() time.Time             { return time.Now() }
func (e *realEnv) Yield()                     {}
func (e *realEnv) NewMutex() sync.Locker      { return new(sync.Mutex) }
func (e *realEnv) NewWaitGroup() WaitGroup    { return new(sync.WaitGroup) }
func (e *realEnv) Wait()                      { e.all.Wait() }
func (e *realEnv) Logf(string, ...any)        {}
func (e *realEnv) StackContext(f func())      { f() }
func (e *realEnv) String() string             { return fmt.Sprintf("real env (%s)", e.p.Name) }
func (e *realEnv) sim() *sim.Sim              { return nil }

func (e *realEnv) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, d/RealSleepScale)
}

func (e *realEnv) WithCancel(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(parent)
}

func (e *realEnv) Go(name string, f func()) *Task {
	t := &Task{name: name, done: NewFuture[struct{}](e)}
	e.all.Add(1)
	go func() {
		defer e.all.Done()
		defer t.done.Resolve(struct{}{})
		guarded(e.p, e.tr, e.left, name, f)
	}()
	return t
}
