package mocktracer

import (
	"sync"
	"sync/atomic"

	"github.com/tracebed/tracebed/opentracing"
)

// stackScopeManager is the default ScopeManager: one stack of scopes per
// tracer, shared by all goroutines. It is free of data races (mu) but not
// goroutine-aware, so it only models single-goroutine programs; package
// scope has the real managers.
type stackScopeManager struct {
	// mu guards stack and every stackScope's closed flag, and serialises
	// the writes of top.
	mu    sync.Mutex
	stack []*stackScope
	// top is the last element of stack (nil when empty), readable without
	// mu so that Active, called by every StartSpan, takes no lock.
	top atomic.Pointer[stackScope]
}

func newStackScopeManager() *stackScopeManager { return &stackScopeManager{} }

var _ opentracing.ScopeManager = (*stackScopeManager)(nil)

type stackScope struct {
	manager       *stackScopeManager
	span          opentracing.Span
	finishOnClose bool
	closed        bool // guarded by manager.mu
}

// Activate pushes a new scope for span.
func (m *stackScopeManager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	sc := &stackScope{manager: m, span: span, finishOnClose: finishOnClose}
	m.mu.Lock()
	m.stack = append(m.stack, sc)
	m.top.Store(sc)
	m.mu.Unlock()
	return sc
}

// Active returns the top of the stack, or nil.
func (m *stackScopeManager) Active() opentracing.Scope {
	if top := m.top.Load(); top != nil {
		return top
	}
	return nil // not a typed nil
}

func (s *stackScope) Span() opentracing.Span            { return s.span }
func (s *stackScope) Manager() opentracing.ScopeManager { return s.manager }

// Close pops the scope, restoring the one below it. Closing twice is
// reported as MisuseCloseTwice and does nothing else; closing a scope that
// is not on top is reported as MisuseCloseOutOfOrder and removes it from
// the stack, leaving the scopes above it active.
func (s *stackScope) Close() {
	m := s.manager
	m.mu.Lock()
	if s.closed {
		m.mu.Unlock()
		opentracing.ReportMisuse(s.span, opentracing.Misuse{
			Kind: opentracing.MisuseCloseTwice, Operation: operationName(s.span),
			Detail: "Scope.Close called on a scope already closed",
		})
		return
	}
	s.closed = true
	top := len(m.stack) - 1
	outOfOrder := false
	for i := top; i >= 0; i-- {
		if m.stack[i] == s {
			outOfOrder = i != top
			copy(m.stack[i:], m.stack[i+1:])
			m.stack[top] = nil
			m.stack = m.stack[:top]
			break
		}
	}
	if len(m.stack) == 0 {
		m.top.Store(nil)
	} else {
		m.top.Store(m.stack[len(m.stack)-1])
	}
	m.mu.Unlock()
	if outOfOrder {
		opentracing.ReportMisuse(s.span, opentracing.Misuse{
			Kind: opentracing.MisuseCloseOutOfOrder, Operation: operationName(s.span),
			Detail: "Scope.Close called while a scope activated after it is still open",
		})
	}
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}

// operationName returns the operation name of a MockSpan, or "".
func operationName(sp opentracing.Span) string {
	if ms, ok := sp.(*MockSpan); ok {
		return ms.OperationName()
	}
	return ""
}
