// Package env is the small runtime every testbed scenario is written
// against, once: spawn and join a task, sleep, typed queues and futures,
// waits with a timeout or a cancellation (a context.Context on the
// runtime's clock), a mutex. Two runtimes implement it — real goroutines
// (run under -race) and the sim scheduler (run over many seeds and
// strategies) — and a Platform picks the runtime's scope manager and the
// propagation style the scenario follows.
//
// A scenario is a Scenario value: a Run function that drives the pattern
// and a Check function that asserts on the finished spans. The runners in
// this package add the checks every scenario must pass: no misuse recorded
// by the tracer, every started span finished exactly once, and no scope
// left active by any task. The tracer is a MockTracer by default, or any
// opentracing.Tracer whose spans a check.Recorder reports (Config.Tracer).
//
// RunSim and RunReal run a scenario once, Explore over many seeds; each
// returns an error for a failed run (a *Failure, which says how to replay
// it), so that no caller can count a failing run as passing.
package env

import (
	"context"
	"sync"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// Env is the runtime a scenario runs on. Its methods, and those of the
// queues, futures and tasks made from it, may be called only from the
// scenario's own code: the goroutine or task that Run was called on and
// the tasks it spawned through Go.
//
// Only this package implements Env: the generic constructors (NewQueue,
// NewFuture) build on the runtime behind it.
type Env interface {
	// Platform is the platform the scenario runs on: it says how the
	// active span propagates to spawned tasks.
	Platform() Platform

	// Tracer is the run's tracer, with the platform's scope manager and
	// the runtime's clock: a MockTracer unless Config.Tracer made another.
	Tracer() opentracing.Tracer

	// Recorder reports the spans Tracer started and finished, for the
	// scenario's Check (and the runner's own checks).
	Recorder() check.Recorder

	// Go spawns a task (a goroutine, or a sim task) running f; Join on
	// the result waits for it. Under sim, a task inherits the spawner's
	// inheritable task-locals (the inherit and stackcontext platforms'
	// propagation).
	Go(name string, f func()) *Task

	// Wait blocks until every task spawned through Go has returned,
	// including tasks spawned by those tasks: the Go form of gevent.wait().
	Wait()

	// Sleep pauses the calling task. Under sim the time is virtual; on
	// real goroutines it is scaled down (see RealSleepScale).
	Sleep(d time.Duration)

	// Now is the runtime's clock (the tracer's clock too).
	Now() time.Time

	// Yield lets other tasks run: a scheduling point under sim.
	Yield()

	// WithTimeout is context.WithTimeout on the runtime's clock: under sim
	// the deadline is virtual, and a timeout that falls at the same
	// instant as another timer (a reply's Sleep) races it, each order
	// explored; on real goroutines d is scaled down as Sleep's is. Waits
	// that take a context (Queue.GetContext, Future.GetContext,
	// Task.JoinContext) end with ctx.Err() when it is done.
	WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc)

	// WithCancel is context.WithCancel, with a cancellation the
	// scheduler sees (under sim a cancel is a scheduling event of the
	// run).
	WithCancel(parent context.Context) (context.Context, context.CancelFunc)

	// NewMutex makes a mutex (a scheduling point under sim).
	NewMutex() sync.Locker

	// NewWaitGroup makes a wait group.
	NewWaitGroup() WaitGroup

	// StackContext runs f in a fresh stack context on the stackcontext
	// platform (Tornado's `with tracer_stack_context():`), through the
	// scope manager's Run method (see ContextRunner); on other platforms,
	// and with a manager that is not a ContextRunner, it just calls f.
	StackContext(f func())

	// Logf annotates the run: under sim the line goes into the run's
	// trace, in the calling task's lane; on real goroutines it is dropped.
	Logf(format string, args ...any)

	// sim is the run's simulation, nil on real goroutines: what the
	// generic constructors build on.
	sim() *sim.Sim
}

// WaitGroup is sync.WaitGroup's interface.
type WaitGroup interface {
	// Add adds delta, which may be negative, to the counter; a negative
	// counter panics.
	Add(delta int)
	// Done decrements the counter by one.
	Done()
	// Wait blocks until the counter is zero.
	Wait()
}

// RealSleepScale divides every Sleep on real goroutines, so that a scenario
// written with the originals' 100 ms sleeps runs in a fraction of that
// while keeping the relative order the sleeps are meant to produce.
const RealSleepScale = 100
