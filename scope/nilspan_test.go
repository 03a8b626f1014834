package scope_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
)

// Activating a nil span is allowed by every manager: the scope hides the
// span active before it (a tracer sees no implicit parent while it is
// open), and closing it, finishOnClose or not, twice even, restores that
// span and finishes nothing. A Close of it used to call Finish on nil.
func TestManagers_NilSpanScope(t *testing.T) {
	exercise := func(t *testing.T, mgr opentracing.ScopeManager) {
		tr := mocktracer.New(mocktracer.WithScopeManager(mgr))
		outer := tr.StartActiveSpan("outer")
		sc := mgr.Activate(nil, true)
		require.Same(t, sc, mgr.Active())
		assert.Nil(t, sc.Span())
		assert.Nil(t, tr.ActiveSpan())
		child := tr.StartSpan("child").(*mocktracer.MockSpan)
		assert.Zero(t, child.ParentID(), "a span started under the nil scope has no implicit parent")
		sc.Close()
		sc.Close() // a second Close of a nil-span scope: no tracer to tell, nothing happens
		require.NotNil(t, mgr.Active())
		assert.Same(t, outer.Span(), tr.ActiveSpan(), "Close restored the span active before")
		outer.Close()
		assert.Nil(t, mgr.Active())
		assert.Len(t, tr.FinishedSpans(), 1, "only outer was finished")
	}
	t.Run("GoroutineLocal", func(t *testing.T) { exercise(t, scope.NewGoroutineLocal()) })
	t.Run("BoundContext", func(t *testing.T) { exercise(t, scope.NewContextManager().Bind(context.Background())) })
	t.Run("ContextManager", func(t *testing.T) {
		m := scope.NewContextManager()
		ctx, sc := m.ActivateContext(context.Background(), nil, true)
		assert.Same(t, sc, m.ActiveFromContext(ctx))
		assert.Nil(t, sc.Span())
		sc.Close()
		sc.Close()
	})
	for name, mk := range map[string]func(*sim.Sim) opentracing.ScopeManager{
		"TaskLocal":    func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) },
		"Inheriting":   func(s *sim.Sim) opentracing.ScopeManager { return scope.NewInheriting(s) },
		"StackContext": func(s *sim.Sim) opentracing.ScopeManager { return scope.NewStackContext(s) },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sim.Run(func(s *sim.Sim) { exercise(t, mk(s)) })
			require.NoError(t, err)
		})
	}
}
