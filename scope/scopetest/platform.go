package scopetest

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// worker is one task of a run: a goroutine or a sim task that executes the
// harness's steps one at a time.
type worker interface {
	// do runs f in the task and waits for it. A panic in f is raised again
	// in the caller, with the task's stack.
	do(f func())
}

// runner owns the workers of one run of a platform.
type runner interface {
	env() Env
	// root returns the first task.
	root() worker
	// spawn starts a child of parent, from inside parent.
	spawn(parent worker) worker
	// stop ends every task and waits for them.
	stop()
}

// taskPanic carries a panic out of a task.
type taskPanic struct {
	value any
	stack []byte
}

func (p *taskPanic) String() string {
	return fmt.Sprintf("panic in task: %v\n%s", p.value, p.stack)
}

// call runs f and returns its panic, if any.
func call(f func()) (p *taskPanic) {
	defer func() {
		if v := recover(); v != nil {
			p = &taskPanic{value: v, stack: debug.Stack()}
		}
	}()
	f()
	return nil
}

// goRunner runs tasks as goroutines.
type goRunner struct {
	wg      sync.WaitGroup
	workers []*goWorker // touched only by the goroutine driving the run
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

func (r *goRunner) spawn(parent worker) worker {
	var child *goWorker
	// The go statement runs in the parent goroutine.
	parent.do(func() { child = r.start() })
	return child
}

func (r *goRunner) stop() {
	for _, w := range r.workers {
		close(w.steps)
	}
	r.wg.Wait()
}
