package scopetest_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope/scopetest"
)

// forkManager is a Copy manager with one manager per task, as
// scope.BoundContext is: a spawned task gets Fork() of its parent's. With
// lazy set, the fork copies its parent's active scope at its first call
// instead of at the fork, so a scope the parent activates between the
// spawn and the child's first call leaks into the child.
type forkManager struct {
	mu     sync.Mutex
	lazy   bool
	parent *forkManager // until the base is copied
	copied bool
	base   opentracing.Scope
	top    *forkScope
}

type forkScope struct {
	m             *forkManager
	span          opentracing.Span
	finishOnClose bool
	prev          *forkScope
	closed        bool
}

func (m *forkManager) fork() *forkManager {
	child := &forkManager{lazy: m.lazy, parent: m}
	if !m.lazy {
		child.base, child.copied = m.Active(), true
	}
	return child
}

// init copies the parent's active scope on the first call; call with mu held.
func (m *forkManager) init() {
	if !m.copied {
		m.copied = true
		m.base = m.parent.Active()
	}
}

func (m *forkManager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	s := &forkScope{m: m, span: span, finishOnClose: finishOnClose, prev: m.top}
	m.top = s
	return s
}

func (m *forkManager) Active() opentracing.Scope {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if m.top != nil {
		return m.top
	}
	return m.base
}

func (s *forkScope) Span() opentracing.Span            { return s.span }
func (s *forkScope) Manager() opentracing.ScopeManager { return s.m }

func (s *forkScope) Close() {
	m := s.m
	m.mu.Lock()
	var misuse opentracing.MisuseKind
	switch {
	case s.closed:
		misuse = opentracing.MisuseCloseTwice
	case m.top != s:
		misuse = opentracing.MisuseCloseOutOfOrder
	default:
		s.closed = true
		m.top = s.prev
	}
	m.mu.Unlock()
	if misuse != 0 {
		if s.span != nil {
			opentracing.ReportMisuse(s.span, opentracing.Misuse{Kind: misuse})
		}
		return
	}
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}

func runFork(t *testing.T, lazy bool, opts ...scopetest.Option) *fakeT {
	return run(t, func() opentracing.ScopeManager { return &forkManager{lazy: lazy, copied: true} },
		append([]scopetest.Option{
			scopetest.Propagation(scopetest.Copy),
			scopetest.ForeignClose(false),
			scopetest.SpawnManager(func(p opentracing.ScopeManager) opentracing.ScopeManager {
				return p.(*forkManager).fork()
			}),
		}, opts...)...)
}

// On goroutines: a fork that copies its parent's scope at its first call
// (a lazy BoundContext.Fork). The harness
// lets the parent act between the spawn and the child's first call.
func TestRun_LazyForkFails(t *testing.T) {
	ft := runFork(t, false, scopetest.Checks(200))
	require.False(t, ft.Failed(), "the harness failed the eager fork: %v", ft.errors)

	ft = runFork(t, true, scopetest.SkipExamples(), scopetest.Checks(200))
	require.True(t, ft.Failed(), "the harness passed a child that copies its parent's scope lazily")
	assert.Regexp(t, `task \d+: Active\(\) = .*, want (nil|scope \d+)`, strings.Join(ft.errors, "\n"))
	steps := ft.steps()
	assert.NotEmpty(t, steps, "no shrunk sequence printed; errors: %v", ft.errors)
	assert.LessOrEqual(t, len(steps), maxShrunkSteps, "shrunk sequence too long:\n%s", strings.Join(steps, "\n"))
	t.Logf("errors:\n%s\nshrunk sequence:\n%s", strings.Join(ft.errors, "\n"), strings.Join(steps, "\n"))
}
