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
	// crowd starts n tasks from inside parent (around runs in parent for
	// each, and must call start once) and runs the phases in all of them:
	// phase k in every task, then phase k+1. Within a phase the tasks run
	// at once: goroutines really overlap (no happens-before edge between
	// them, so the race detector sees an unsynchronised manager), sim tasks
	// run in the scheduler's order. Every task has ended when crowd
	// returns; it returns the first panic of a task (by task index), if any.
	crowd(parent worker, n int, around func(i int, start func()), phases ...func(i int)) *taskPanic
}

// startCrowd calls around for each of n tasks with a start that runs
// launch(i); it panics if around did not call start.
func startCrowd(n int, around func(i int, start func()), launch func(i int)) {
	for i := range n {
		started := false
		around(i, func() { started = true; launch(i) })
		if !started {
			panic("scopetest: a crowd task was not started")
		}
	}
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

func (r *goRunner) crowd(parent worker, n int, around func(int, func()), phases ...func(int)) *taskPanic {
	release := make([]chan struct{}, len(phases))
	for k := range release {
		release[k] = make(chan struct{})
	}
	panics := make([]*taskPanic, n)
	var phase, exited sync.WaitGroup // phase: the tasks still in the current phase
	member := func(i int) {
		defer exited.Done()
		for k, f := range phases {
			<-release[k]
			if panics[i] == nil {
				panics[i] = call(func() { f(i) })
			}
			phase.Done()
		}
	}
	parent.do(func() {
		startCrowd(n, around, func(i int) {
			exited.Add(1)
			go member(i)
		})
	})
	for k := range phases {
		phase.Add(n)
		close(release[k]) // all at once: nothing orders one task's phase before another's
		phase.Wait()
	}
	exited.Wait()
	return firstPanic(panics)
}

func firstPanic(panics []*taskPanic) *taskPanic {
	for _, p := range panics {
		if p != nil {
			return p
		}
	}
	return nil
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
