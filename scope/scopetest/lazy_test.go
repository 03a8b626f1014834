package scopetest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/scope/scopetest"
	"github.com/tracebed/tracebed/sim"
)

// lazyInheriting is a contextvars-style (Copy) manager with a bug: a task
// copies its parent's active scope at its first call, not at spawn. A
// spawned task inherits a pointer to its parent's cell and, at its first
// call, makes a cell of its own holding what the parent has active then.
type lazyInheriting struct {
	s    *sim.Sim
	cell *sim.Local[*lazyCell] // inheritable: a child starts with the parent's cell
	mine *sim.Local[bool]      // not inheritable: the task has a cell of its own
}

type lazyCell struct{ top *lazyScope }

type lazyScope struct {
	m             *lazyInheriting
	span          opentracing.Span
	finishOnClose bool
	owner         *sim.Task
	cell          *lazyCell
	prev          *lazyScope
	closed        bool
}

func newLazyInheriting(s *sim.Sim) *lazyInheriting {
	return &lazyInheriting{s: s, cell: sim.NewLocal[*lazyCell](true), mine: sim.NewLocal[bool](false)}
}

// own returns the task's cell, copying the parent's scope into it now.
func (m *lazyInheriting) own() *lazyCell {
	if !m.mine.Get(m.s) {
		c := &lazyCell{}
		if p := m.cell.Get(m.s); p != nil {
			c.top = p.top // the bug: what the parent has now, not at spawn
		}
		m.cell.Set(m.s, c)
		m.mine.Set(m.s, true)
	}
	return m.cell.Get(m.s)
}

func (m *lazyInheriting) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	c := m.own()
	sc := &lazyScope{m: m, span: span, finishOnClose: finishOnClose, owner: m.s.Current(), cell: c, prev: c.top}
	c.top = sc
	return sc
}

func (m *lazyInheriting) Active() opentracing.Scope {
	if sc := m.own().top; sc != nil {
		return sc
	}
	return nil
}

func (s *lazyScope) Span() opentracing.Span            { return s.span }
func (s *lazyScope) Manager() opentracing.ScopeManager { return s.m }

func (s *lazyScope) Close() {
	var misuse opentracing.MisuseKind
	switch {
	case s.closed:
		misuse = opentracing.MisuseCloseTwice
	case s.m.s.Current() != s.owner:
		misuse = opentracing.MisuseCloseFromOtherTask
	case s.cell.top != s:
		misuse = opentracing.MisuseCloseOutOfOrder
	}
	if misuse != 0 {
		if s.span != nil {
			opentracing.ReportMisuse(s.span, opentracing.Misuse{Kind: misuse})
		}
		return
	}
	s.closed = true
	s.cell.top = s.prev
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}

// TestRun_LazyCopyFails: the examples, whose child calls the manager right
// after its spawn, pass a manager that copies the parent's scope at the
// child's first call; the state machine, which lets the parent act between
// a spawn and the child's first call, catches it. scope.Inheriting, which
// copies at spawn, passes the same run.
func TestRun_LazyCopyFails(t *testing.T) {
	opts := []scopetest.Option{scopetest.Propagation(scopetest.Copy), scopetest.Platform(scopetest.SimTasks)}
	lazy := func(e scopetest.Env) opentracing.ScopeManager { return newLazyInheriting(e.Sim()) }

	ft := runEnv(t, lazy, append(opts, scopetest.Checks(1), scopetest.Crowd(0))...)
	assert.NotContains(t, strings.Join(ft.errors, "\n"), "scope_check", "an example caught it: the state machine is not shown")

	ft = runEnv(t, lazy, append(opts, scopetest.SkipExamples(), scopetest.Checks(200), scopetest.Crowd(0))...)
	require.True(t, ft.Failed(), "the harness passed a manager that copies lazily")
	assert.Contains(t, strings.Join(ft.errors, "\n"), "Active() = ")
	steps := ft.steps()
	assert.NotEmpty(t, steps, "errors: %v", ft.errors)
	assert.LessOrEqual(t, len(steps), maxShrunkSteps, "shrunk sequence too long:\n%s", strings.Join(steps, "\n"))
	t.Logf("errors:\n%s\nshrunk sequence:\n%s", strings.Join(ft.errors, "\n"), strings.Join(steps, "\n"))

	ft = runEnv(t, func(e scopetest.Env) opentracing.ScopeManager { return scope.NewInheriting(e.Sim()) },
		append(opts, scopetest.Checks(200))...)
	assert.False(t, ft.Failed(), "errors: %v", ft.errors)
}
