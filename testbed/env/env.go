// Package env is the small runtime every testbed scenario is written
// against, once: spawn a task, sleep, queue, wait, futures, a mutex. Two
// runtimes implement it — real goroutines (run under -race) and the sim
// scheduler (run over many seeds and strategies) — and a Platform picks the
// runtime's scope manager and the propagation style the scenario follows.
//
// A scenario is a Scenario value: a Run function that drives the pattern
// and a Check function that asserts on the finished spans. The runners in
// this package add the checks every scenario must pass: no misuse recorded
// by the MockTracer, every started span finished exactly once, and no scope
// left active by any task.
package env

import (
	"sync"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
)

// Env is the runtime a scenario runs on. Its methods may be called only
// from the scenario's own code: the goroutine or task that Run was called
// on and the tasks it spawned through Go.
type Env interface {
	// Platform is the platform the scenario runs on: it says how the
	// active span propagates to spawned tasks.
	Platform() Platform

	// Tracer is the run's MockTracer, with the platform's scope manager
	// and the runtime's clock.
	Tracer() *mocktracer.MockTracer

	// Go spawns a task (a goroutine, or a sim task). Under sim, a task
	// inherits the spawner's inheritable task-locals (the inherit and
	// stackcontext platforms' propagation).
	Go(name string, f func())

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

	// NewQueue makes a FIFO queue; Get blocks while it is empty, Put
	// while it holds capacity items (capacity 0 means unbounded).
	NewQueue(capacity int) Queue

	// NewMutex makes a mutex (a scheduling point under sim).
	NewMutex() sync.Locker

	// NewWaitGroup makes a wait group.
	NewWaitGroup() WaitGroup

	// NewFuture makes a future resolved once.
	NewFuture() Future

	// StackContext runs f in a fresh stack context on the stackcontext
	// platform (Tornado's `with tracer_stack_context():`), through the
	// scope manager's Run method (see ContextRunner); on other platforms,
	// and with a manager that is not a ContextRunner, it just calls f.
	StackContext(f func())

	// Logf annotates the run: under sim the line goes into the run's
	// trace, in the calling task's lane; on real goroutines it is dropped.
	Logf(format string, args ...any)
}

// Queue is a FIFO queue of any values.
type Queue interface {
	// Put adds v at the back, blocking while the queue is full.
	Put(v any)
	// Get removes and returns the value at the front, blocking while the
	// queue is empty.
	Get() any
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

// Future is a value set once and read by any number of tasks.
type Future interface {
	// Resolve sets the value; a second Resolve is a programming error.
	Resolve(v any)
	// Get blocks until the value is set and returns it.
	Get() any
}

// RealSleepScale divides every Sleep on real goroutines, so that a scenario
// written with the originals' 100 ms sleeps runs in a fraction of that
// while keeping the relative order the sleeps are meant to produce.
const RealSleepScale = 100
