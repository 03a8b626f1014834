package scopetest

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
)

// worker is one task of a run: a goroutine or a sim task that executes the
// harness's steps one at a time.
type worker interface {
	// do runs f in the task and waits for it. A panic in f is raised again
	// in the caller, with the task's stack.
	do(f func())
}

// runner is one run of a platform. Its methods are called from the body
// given to withRunner, never from the tasks.
type runner interface {
	env() Env
	// root returns the first task.
	root() worker
	// spawn starts a child of parent, from inside parent: around runs in
	// parent and must call start once, which starts the child there (so
	// that around may wrap the start in a fresh context, say).
	spawn(parent worker, around func(start func())) worker
	// each runs the steps one after the other, each in its task.
	each(steps []step)
}

// startHere is the around of runner.spawn that just starts the child.
func startHere(start func()) { start() }

// step is a function to run in a task.
type step struct {
	w worker
	f func()
}

// withRunner runs body with a fresh run of the platform: under Goroutines
// on the calling goroutine, under SimTasks as the root task of one sim.Run
// (so that the whole body, rapid's draws included, runs inside the
// simulation and hands steps to tasks without leaving it: no hop between
// goroutines per step). Every task has ended when withRunner returns.
//
// A panic in body (rapid's failures and skips are panics) reaches the
// caller. Under SimTasks it is raised again after the run, so its stack is
// lost; rapid's shrinker tells failures apart by their traceback, so
// repanic raises it from one of three call sites, one per kind of panic:
// a test failure, rapid's invalid data (a skip or an exhausted input), and
// anything else. Without that, the shrinker would take an exhausted input
// for the failure it is shrinking.
func withRunner(c *config, failed func() bool, body func(r runner)) {
	switch c.platform {
	case SimTasks:
		if p, panicked := runSim(c.seed, body); panicked {
			repanic(p, failed)
		}
	default:
		r := newGoRunner()
		defer r.stop()
		body(r)
	}
}

func repanic(p any, failed func() bool) {
	switch {
	case failed():
		panicFailure(p)
	case reflect.TypeOf(p).String() == "rapid.invalidData":
		panicInvalidData(p)
	default:
		panicOther(p)
	}
}

func panicFailure(p any)     { panic(p) }
func panicInvalidData(p any) { panic(p) }
func panicOther(p any)       { panic(p) }

// taskPanic carries a panic out of a task.
type taskPanic struct {
	value  any
	frames string // where it panicked: no goroutine ids or addresses, so that
	// the same failure prints the same text (rapid compares them)
}

func (p *taskPanic) String() string {
	return fmt.Sprintf("panic in a task: %v\n%s", p.value, p.frames)
}

// call runs f and returns its panic, if any.
func call(f func()) (p *taskPanic) {
	defer func() {
		if v := recover(); v != nil {
			p = &taskPanic{value: v, frames: panicFrames()}
		}
	}()
	f()
	return nil
}

// panicFrames lists the frames between the panic and call, as
// "function\n\tfile:line" lines.
func panicFrames() string {
	pcs := make([]uintptr, 32)
	pcs = pcs[:runtime.Callers(3, pcs)]
	frames := runtime.CallersFrames(pcs)
	var b strings.Builder
	for {
		f, more := frames.Next()
		if strings.HasSuffix(f.Function, "scopetest.call") {
			break
		}
		if !strings.HasPrefix(f.Function, "runtime.") {
			fmt.Fprintf(&b, "%s\n\t%s:%d\n", f.Function, f.File, f.Line)
		}
		if !more {
			break
		}
	}
	return b.String()
}

func (r *goRunner) each(steps []step) {
	for _, st := range steps {
		st.w.do(st.f)
	}
}

// goRunner runs tasks as goroutines.
type goRunner struct {
	wg      sync.WaitGroup
	workers []*goWorker // touched only by the body (and the task spawning, while the body waits)
	first   *goWorker
}

type goWorker struct {
	steps chan func()
	done  chan *taskPanic
}

func newGoRunner() *goRunner {
	r := &goRunner{}
	r.first = r.start()
	return r
}

func (r *goRunner) start() *goWorker {
	w := &goWorker{steps: make(chan func()), done: make(chan *taskPanic)}
	r.workers = append(r.workers, w)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for f := range w.steps {
			w.done <- call(f)
		}
	}()
	return w
}

func (w *goWorker) do(f func()) {
	w.steps <- f
	if p := <-w.done; p != nil {
		panic(p.String())
	}
}

func (r *goRunner) env() Env     { return Env{platform: Goroutines} }
func (r *goRunner) root() worker { return r.first }

func (r *goRunner) spawn(parent worker, around func(start func())) worker {
	var child *goWorker
	// The go statement runs in the parent goroutine.
	parent.do(func() { around(func() { child = r.start() }) })
	if child == nil {
		panic("scopetest: the child task was not started")
	}
	return child
}

func (r *goRunner) stop() {
	for _, w := range r.workers {
		close(w.steps)
	}
	r.wg.Wait()
}
