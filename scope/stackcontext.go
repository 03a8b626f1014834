package scope

import (
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
)

// StackContext is the Go form of Python's TornadoScopeManager with
// tracer_stack_context: the active scope lives in a context object that the
// tasks and callbacks started inside it share.
//
// # Propagation
//
// Shared. [StackContext.Run] runs a function in a fresh context (Tornado's
// "with tracer_stack_context():"). A task started with [sim.Sim.Go] and a
// [sim.Loop] or [sim.Future.Then] callback scheduled from inside the context
// share it: they see the active scope of the context, and what any of them
// activates or closes changes it for all of them. Tasks outside any Run
// share the manager's root context, as coroutines on Tornado's one IOLoop
// thread share its thread-local fallback.
//
// # Limits
//
// This is Tornado's documented "multiple yield" limitation: a coroutine that
// yields over several children at once lets them interleave on one shared
// stack, so a child that activates a span and yields may come back to find a
// sibling's span active, start its own children under the wrong parent, and
// close its scope out of order. Children of one context must not activate
// spans when they run concurrently; give each child its own context with
// Run, or use [Inheriting]. package scope's tests reproduce the mix-up under
// sim.
//
// Any task of the context may close the scope on top of it. Closing twice,
// closing a scope that is not on top, and closing from a task of another
// context do nothing but report the misuse.
//
// Outside any task of the simulation the manager was made for it falls
// back to goroutine-local storage, as TornadoScopeManager falls back to
// thread-local storage outside any tracer_stack_context (see
// [TaskLocal]); Run called there just calls f, since a goroutine-local
// stack is never shared with the goroutines it starts anyway.
type StackContext struct {
	s       *sim.Sim
	ctx     *sim.Local[*stackCtx] // inheritable: children share the pointer
	root    stackCtx
	outside outside
}

const stackContextName = "scope.StackContext"

func (m *StackContext) fallback() *GoroutineLocal { return m.outside.manager(m, stackContextName) }

// stackCtx is one tracer_stack_context: a mutable cell shared by every task
// that carries a pointer to it.
type stackCtx struct {
	top *stackScope
}

var _ opentracing.ScopeManager = (*StackContext)(nil)

// NewStackContext returns a Tornado-style manager for the tasks of s.
func NewStackContext(s *sim.Sim) *StackContext {
	return &StackContext{s: s, ctx: sim.NewLocal[*stackCtx](true)}
}

// Run runs f in a fresh context, in the current task: the Go form of
// "with tracer_stack_context(): f()". Tasks and callbacks started by f
// share the new context, also after Run returns. The current task's
// previous context is restored when f returns.
func (m *StackContext) Run(f func()) {
	if !inTask(m.s) {
		f()
		return
	}
	prev, had := m.ctx.Lookup(m.s)
	m.ctx.Set(m.s, &stackCtx{})
	defer func() {
		if had {
			m.ctx.Set(m.s, prev)
		} else {
			m.ctx.Delete(m.s)
		}
	}()
	f()
}

func (m *StackContext) current() *stackCtx {
	if c := m.ctx.Get(m.s); c != nil {
		return c
	}
	return &m.root
}

// Activate makes span the active span of the current context.
func (m *StackContext) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	if !inTask(m.s) {
		return m.fallback().Activate(span, finishOnClose)
	}
	c := m.current()
	sc := &stackScope{m: m, span: span, finishOnClose: finishOnClose, ctx: c, prev: c.top}
	c.top = sc
	return sc
}

// Active returns the active Scope of the current context, or nil.
func (m *StackContext) Active() opentracing.Scope {
	if !inTask(m.s) {
		return m.fallback().Active()
	}
	if sc := m.current().top; sc != nil {
		return sc
	}
	return nil
}

type stackScope struct {
	m             *StackContext
	span          opentracing.Span
	finishOnClose bool
	ctx           *stackCtx
	prev          *stackScope
	closed        bool
}

func (s *stackScope) Span() opentracing.Span            { return s.span }
func (s *stackScope) Manager() opentracing.ScopeManager { return s.m }

func (s *stackScope) Close() {
	var misuse opentracing.MisuseKind
	switch {
	case s.closed:
		misuse = opentracing.MisuseCloseTwice
	case !inTask(s.m.s) || s.m.current() != s.ctx:
		misuse = opentracing.MisuseCloseFromOtherTask
	case s.ctx.top != s:
		misuse = opentracing.MisuseCloseOutOfOrder
	}
	if misuse != 0 {
		report(s.span, misuse, stackContextName)
		return
	}
	s.closed = true
	s.ctx.top = s.prev
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}
