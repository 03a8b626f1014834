package scope

import (
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
)

// TaskLocal is the Go form of Python's AsyncioScopeManager and
// GeventScopeManager: each task of a [sim.Sim] has its own stack of scopes.
//
// # Propagation
//
// None. A task started with [sim.Sim.Go] starts with nothing active; the
// parent passes its span, and the child activates it (usually with
// finishOnClose false, so that only the owner finishes it). A [sim.Loop]
// callback runs on the loop's task, so callbacks see the loop task's stack,
// as asyncio callbacks outside any Task do.
//
// # Limits
//
// A Close from another task, a second Close, and a Close while a later
// scope of the same task is open do nothing but report the misuse.
//
// Outside any task of the simulation the manager was made for (before or
// after the run, or on a goroutine the simulation did not start), it falls
// back to goroutine-local storage, as Python's managers fall back to
// thread-local storage outside a task: each such goroutine has its own
// stack, as with [GoroutineLocal], apart from every task's. A scope is
// still closed only where it was activated: a task's scope closed from
// outside, or a fallback scope closed from a task, is
// MisuseCloseFromOtherTask. sim forbids the go statement in a task (such a
// goroutine escapes the scheduler, and sim's own check of who is calling
// races with it), so the fallback is for the code around a run, not for
// goroutines inside it.
type TaskLocal struct {
	stacks taskStacks
}

// Inheriting is the Go form of Python's ContextVarsScopeManager: the active
// scope is a task-local value that spawned tasks and callbacks copy.
//
// # Propagation
//
// Copy. A task started with [sim.Sim.Go], a [sim.Loop] callback and a
// [sim.Future.Then] callback start with the active scope of the task that
// spawned or scheduled them (a snapshot taken then). What the child
// activates and closes afterwards is its own: closing in the child never
// changes the parent, and the parent closing its scope does not change what
// the child sees (the child keeps the scope it copied, even once closed,
// as a contextvars copy does).
//
// # Limits
//
// Only the task that activated a scope may close it: a child that closes
// the scope it inherited reports MisuseCloseFromOtherTask (Python raises
// ValueError there, from ContextVar.reset). Closing twice or out of order
// is reported as misuse and does nothing. Outside any task it falls back to
// goroutine-local storage, as [TaskLocal] does; Python's
// ContextVarsScopeManager needs no fallback, since a contextvar has a value
// everywhere, but a sim Local exists only inside a task.
type Inheriting struct {
	stacks taskStacks
}

var (
	_ opentracing.ScopeManager = (*TaskLocal)(nil)
	_ opentracing.ScopeManager = (*Inheriting)(nil)
)

// NewTaskLocal returns a per-task manager for the tasks of s.
func NewTaskLocal(s *sim.Sim) *TaskLocal {
	m := &TaskLocal{}
	m.stacks = taskStacks{s: s, top: sim.NewLocal[*taskScope](false), mgr: m, name: "scope.TaskLocal"}
	return m
}

// NewInheriting returns a contextvars-style manager for the tasks of s.
func NewInheriting(s *sim.Sim) *Inheriting {
	m := &Inheriting{}
	m.stacks = taskStacks{s: s, top: sim.NewLocal[*taskScope](true), mgr: m, name: "scope.Inheriting"}
	return m
}

// Activate makes span the active span of the current task.
func (m *TaskLocal) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	return m.stacks.activate(span, finishOnClose)
}

// Active returns the current task's active Scope, or nil.
func (m *TaskLocal) Active() opentracing.Scope { return m.stacks.active() }

// Activate makes span the active span of the current task (and of the
// tasks and callbacks it starts from now on, until the scope is closed).
func (m *Inheriting) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	return m.stacks.activate(span, finishOnClose)
}

// Active returns the current task's active Scope (its own or the one it
// inherited), or nil.
func (m *Inheriting) Active() opentracing.Scope { return m.stacks.active() }

// taskStacks keeps the top of each task's stack in a sim.Local; each scope
// links to the one it restores. The simulation runs one task at a time, so
// no lock is needed.
type taskStacks struct {
	s       *sim.Sim
	top     *sim.Local[*taskScope]
	mgr     opentracing.ScopeManager
	name    string
	outside outside
}

func (st *taskStacks) fallback() *GoroutineLocal { return st.outside.manager(st.mgr, st.name) }

func (st *taskStacks) activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	if !inTask(st.s) {
		return st.fallback().Activate(span, finishOnClose)
	}
	sc := &taskScope{
		st: st, span: span, finishOnClose: finishOnClose,
		owner: st.s.Current(), prev: st.top.Get(st.s),
	}
	st.top.Set(st.s, sc)
	return sc
}

func (st *taskStacks) active() opentracing.Scope {
	if !inTask(st.s) {
		return st.fallback().Active()
	}
	if sc := st.top.Get(st.s); sc != nil {
		return sc
	}
	return nil
}

type taskScope struct {
	st            *taskStacks
	span          opentracing.Span
	finishOnClose bool
	owner         *sim.Task
	prev          *taskScope
	closed        bool
}

func (s *taskScope) Span() opentracing.Span            { return s.span }
func (s *taskScope) Manager() opentracing.ScopeManager { return s.st.mgr }

func (s *taskScope) Close() {
	st := s.st
	var misuse opentracing.MisuseKind
	switch {
	case s.closed:
		misuse = opentracing.MisuseCloseTwice
	case !inTask(st.s) || st.s.Current() != s.owner:
		misuse = opentracing.MisuseCloseFromOtherTask
	case st.top.Get(st.s) != s:
		misuse = opentracing.MisuseCloseOutOfOrder
	}
	if misuse != 0 {
		report(s.span, misuse, st.name)
		return
	}
	s.closed = true
	if s.prev == nil {
		st.top.Delete(st.s)
	} else {
		st.top.Set(st.s, s.prev)
	}
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}
