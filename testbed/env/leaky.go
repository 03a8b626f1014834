package env

import (
	"sync"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
)

// Leaky is a deliberately wrong scope manager for the broken variants: one
// stack of scopes shared by every goroutine and task, as if a thread-local
// manager had forgotten the "local". Under concurrency a task sees, and
// closes, other tasks' scopes. It is free of data races; only its rule is
// wrong.
func Leaky(*sim.Sim) opentracing.ScopeManager { return &leakyManager{} }

type leakyManager struct {
	mu    sync.Mutex // guards stack
	stack []*leakyScope
}

type leakyScope struct {
	m      *leakyManager
	span   opentracing.Span
	finish bool
	closed bool // guarded by m.mu
}

func (m *leakyManager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	s := &leakyScope{m: m, span: span, finish: finishOnClose}
	m.mu.Lock()
	m.stack = append(m.stack, s)
	m.mu.Unlock()
	return s
}

func (m *leakyManager) Active() opentracing.Scope {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

func (s *leakyScope) Span() opentracing.Span            { return s.span }
func (s *leakyScope) Manager() opentracing.ScopeManager { return s.m }
func (s *leakyScope) Close() {
	s.m.mu.Lock()
	if s.closed {
		s.m.mu.Unlock()
		return
	}
	s.closed = true
	// Pop whatever is on top: the bug. A correct manager would restore
	// the scope active before this one in this task.
	if n := len(s.m.stack); n > 0 {
		s.m.stack = s.m.stack[:n-1]
	}
	s.m.mu.Unlock()
	if s.finish {
		s.span.Finish()
	}
}

// Forgetful is a deliberately wrong scope manager for the broken variants:
// the active scope is task-local and inherited, as on the inherit platform
// (contextvars), but closing a scope forgets to restore the one it
// replaced and clears the task's active scope to nothing: the Python
// manager that sets its context variable to None instead of resetting it
// with the token. With one scope at a time it is right; with nested scopes
// (a child span activated over its parent, or over the scope a task
// inherited) the outer scope is lost when the inner one closes, and the
// task goes on, and ends, with nothing active. It runs only under sim.
func Forgetful(s *sim.Sim) opentracing.ScopeManager {
	return &forgetfulManager{s: s, active: sim.NewLocal[*forgetfulScope](true)}
}

type forgetfulManager struct {
	s      *sim.Sim
	active *sim.Local[*forgetfulScope] // inheritable: a child starts with a copy
}

type forgetfulScope struct {
	m      *forgetfulManager
	span   opentracing.Span
	finish bool
	closed bool
}

func (m *forgetfulManager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	s := &forgetfulScope{m: m, span: span, finish: finishOnClose}
	m.active.Set(m.s, s)
	return s
}

func (m *forgetfulManager) Active() opentracing.Scope {
	if s := m.active.Get(m.s); s != nil {
		return s
	}
	return nil
}

func (s *forgetfulScope) Span() opentracing.Span            { return s.span }
func (s *forgetfulScope) Manager() opentracing.ScopeManager { return s.m }
func (s *forgetfulScope) Close() {
	if s.closed {
		return
	}
	s.closed = true
	// Clear instead of restoring: the bug. A correct manager would make
	// the scope active before this one active again.
	s.m.active.Delete(s.m.s)
	if s.finish {
		s.span.Finish()
	}
}
