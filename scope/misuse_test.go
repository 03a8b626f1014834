package scope_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
)

// kinds returns the kinds of the misuse a MockTracer recorded.
func kinds(tr *mocktracer.MockTracer) []opentracing.MisuseKind {
	var k []opentracing.MisuseKind
	for _, m := range tr.Misuses() {
		k = append(k, m.Kind)
	}
	return k
}

func TestManagers_MisuseReachesMockTracer(t *testing.T) {
	tests := []struct {
		name       string
		giveMgr    func() opentracing.ScopeManager
		giveAction func(mgr opentracing.ScopeManager, a, b opentracing.Span)
		want       []opentracing.MisuseKind
		wantFinish [2]int // finish counts of a and b
	}{
		{
			name:    "GoroutineLocal close twice",
			giveMgr: func() opentracing.ScopeManager { return scope.NewGoroutineLocal() },
			giveAction: func(mgr opentracing.ScopeManager, a, _ opentracing.Span) {
				sc := mgr.Activate(a, true)
				sc.Close()
				sc.Close()
			},
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseTwice},
			wantFinish: [2]int{1, 0},
		},
		{
			name:    "GoroutineLocal out of order",
			giveMgr: func() opentracing.ScopeManager { return scope.NewGoroutineLocal() },
			giveAction: func(mgr opentracing.ScopeManager, a, b opentracing.Span) {
				outer := mgr.Activate(a, true)
				inner := mgr.Activate(b, true)
				outer.Close()
				inner.Close()
				outer.Close()
			},
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseOutOfOrder},
			wantFinish: [2]int{1, 1},
		},
		{
			name:    "GoroutineLocal from another goroutine",
			giveMgr: func() opentracing.ScopeManager { return scope.NewGoroutineLocal() },
			giveAction: func(mgr opentracing.ScopeManager, a, _ opentracing.Span) {
				sc := mgr.Activate(a, true)
				var wg sync.WaitGroup
				wg.Go(sc.Close)
				wg.Wait()
				sc.Close()
			},
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseFromOtherTask},
			wantFinish: [2]int{1, 0},
		},
		{
			name:    "BoundContext close twice and out of order",
			giveMgr: func() opentracing.ScopeManager { return scope.NewContextManager().Bind(context.Background()) },
			giveAction: func(mgr opentracing.ScopeManager, a, b opentracing.Span) {
				outer := mgr.Activate(a, true)
				inner := mgr.Activate(b, true)
				outer.Close()
				inner.Close()
				inner.Close()
				outer.Close()
			},
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseOutOfOrder, opentracing.MisuseCloseTwice},
			wantFinish: [2]int{1, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := mocktracer.New()
			a, b := tr.StartSpan("a"), tr.StartSpan("b")
			mgr := tt.giveMgr()
			tt.giveAction(mgr, a, b)
			assert.Equal(t, tt.want, kinds(tr))
			assert.Nil(t, mgr.Active())
			for i, sp := range []opentracing.Span{a, b} {
				assert.Equal(t, tt.wantFinish[i], sp.(*mocktracer.MockSpan).FinishCount(), "%v", sp)
			}
		})
	}
}

func TestContextManager_CloseTwice(t *testing.T) {
	tr := mocktracer.New()
	mgr := scope.NewContextManager()
	sp := tr.StartSpan("a")
	ctx, sc := mgr.ActivateContext(context.Background(), sp, true)
	assert.Same(t, sc, mgr.ActiveFromContext(ctx))
	assert.Nil(t, mgr.ActiveFromContext(context.Background()))
	sc.Close()
	sc.Close()
	assert.Equal(t, []opentracing.MisuseKind{opentracing.MisuseCloseTwice}, kinds(tr))
	assert.Equal(t, 1, sp.(*mocktracer.MockSpan).FinishCount())
	// A context is immutable: it still carries the closed scope.
	assert.Same(t, sc, mgr.ActiveFromContext(ctx))
}

func TestContextManager_ManagersDoNotSeeEachOther(t *testing.T) {
	a, b := scope.NewContextManager(), scope.NewContextManager()
	ctx, sc := a.ActivateContext(context.Background(), mocktracer.New().StartSpan("x"), false)
	assert.Same(t, sc, a.ActiveFromContext(ctx))
	assert.Nil(t, b.ActiveFromContext(ctx))
}

func TestContextManager_ScopeManagerOfUnboundScope(t *testing.T) {
	mgr := scope.NewContextManager()
	ctx, sc := mgr.ActivateContext(context.Background(), mocktracer.New().StartSpan("x"), false)
	bound, ok := sc.Manager().(*scope.BoundContext)
	if assert.True(t, ok, "Manager() = %T", sc.Manager()) {
		assert.Same(t, sc, bound.Active())
		assert.Equal(t, ctx, bound.Context())
	}
}

// The context ActivateContext returns passes deadlines, cancellation and
// other values through to its parent.
func TestContextManager_ContextPassesThrough(t *testing.T) {
	mgr := scope.NewContextManager()
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	ctx, sc := mgr.ActivateContext(parent, mocktracer.New().StartSpan("x"), false)
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()

	assert.Equal(t, "v", ctx.Value(ctxKey{}))
	assert.Same(t, sc, mgr.ActiveFromContext(child))
	assert.Contains(t, fmt.Sprint(ctx), "WithScope(")
	cancel()
	<-child.Done()
	assert.ErrorIs(t, child.Err(), context.Canceled)
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
}

func TestContextManager_NilContextPanics(t *testing.T) {
	assert.Panics(t, func() {
		//lint:ignore SA1012 the test checks the nil-context panic
		scope.NewContextManager().ActivateContext(nil, mocktracer.New().StartSpan("x"), false)
	})
}

// inChild runs f on a new sim task and waits for it.
func inChild(s *sim.Sim, f func()) {
	wg := sim.NewWaitGroup(s)
	wg.Add(1)
	s.Go("child", func() {
		defer wg.Done()
		f()
	})
	wg.Wait()
}

// TestSimManagers_MisuseReachesMockTracer checks that the managers keyed on
// sim tasks report their misuse to the MockTracer of the span, and that the
// misused call changes nothing: the spans are finished once, by the
// legitimate Close, and nothing is left active.
func TestSimManagers_MisuseReachesMockTracer(t *testing.T) {
	closeTwice := func(_ *testing.T, _ *sim.Sim, mgr opentracing.ScopeManager, a, _ opentracing.Span) {
		sc := mgr.Activate(a, true)
		sc.Close()
		sc.Close()
	}
	outOfOrder := func(_ *testing.T, _ *sim.Sim, mgr opentracing.ScopeManager, a, b opentracing.Span) {
		outer := mgr.Activate(a, true)
		inner := mgr.Activate(b, true)
		outer.Close()
		inner.Close()
		outer.Close()
	}
	// fromChildTask closes, from a child task, a scope its parent
	// activated; the parent closes it afterwards.
	fromChildTask := func(_ *testing.T, s *sim.Sim, mgr opentracing.ScopeManager, a, _ opentracing.Span) {
		sc := mgr.Activate(a, true)
		inChild(s, sc.Close)
		sc.Close()
	}
	tests := []struct {
		name       string
		giveMgr    func(*sim.Sim) opentracing.ScopeManager
		giveAction func(t *testing.T, s *sim.Sim, mgr opentracing.ScopeManager, a, b opentracing.Span)
		want       []opentracing.MisuseKind
		wantFinish [2]int // finish counts of a and b
	}{
		{
			name:       "TaskLocal close twice",
			giveMgr:    func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) },
			giveAction: closeTwice,
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseTwice},
			wantFinish: [2]int{1, 0},
		},
		{
			name:       "TaskLocal out of order",
			giveMgr:    func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) },
			giveAction: outOfOrder,
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseOutOfOrder},
			wantFinish: [2]int{1, 1},
		},
		{
			name:       "TaskLocal from another task",
			giveMgr:    func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) },
			giveAction: fromChildTask,
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseFromOtherTask},
			wantFinish: [2]int{1, 0},
		},
		{
			name:       "Inheriting close twice",
			giveMgr:    newInheriting,
			giveAction: closeTwice,
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseTwice},
			wantFinish: [2]int{1, 0},
		},
		{
			name:       "Inheriting out of order",
			giveMgr:    newInheriting,
			giveAction: outOfOrder,
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseOutOfOrder},
			wantFinish: [2]int{1, 1},
		},
		{
			name:    "Inheriting child closes the inherited scope",
			giveMgr: newInheriting,
			giveAction: func(t *testing.T, s *sim.Sim, mgr opentracing.ScopeManager, a, _ opentracing.Span) {
				sc := mgr.Activate(a, true)
				inChild(s, func() {
					inherited := mgr.Active()
					if inherited != sc {
						t.Errorf("the child inherited %v, want the parent's scope %v", inherited, sc)
						return
					}
					inherited.Close()
				})
				if got := mgr.Active(); got != sc {
					t.Errorf("after the child's Close the parent's active scope is %v, want %v", got, sc)
				}
				sc.Close()
			},
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseFromOtherTask},
			wantFinish: [2]int{1, 0},
		},
		{
			name:       "StackContext close twice",
			giveMgr:    newStackContext,
			giveAction: closeTwice,
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseTwice},
			wantFinish: [2]int{1, 0},
		},
		{
			name:       "StackContext out of order",
			giveMgr:    newStackContext,
			giveAction: outOfOrder,
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseOutOfOrder},
			wantFinish: [2]int{1, 1},
		},
		{
			// A child task shares its parent's context, so only a Close
			// from another context is foreign.
			name:    "StackContext from another context",
			giveMgr: newStackContext,
			giveAction: func(_ *testing.T, s *sim.Sim, mgr opentracing.ScopeManager, a, _ opentracing.Span) {
				sc := mgr.Activate(a, true)
				inChild(s, func() { mgr.(*scope.StackContext).Run(sc.Close) })
				sc.Close()
			},
			want:       []opentracing.MisuseKind{opentracing.MisuseCloseFromOtherTask},
			wantFinish: [2]int{1, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				tr     *mocktracer.MockTracer
				a, b   opentracing.Span
				active opentracing.Scope
			)
			_, err := sim.Run(func(s *sim.Sim) {
				mgr := tt.giveMgr(s)
				tr = mocktracer.New(mocktracer.WithScopeManager(mgr), mocktracer.WithClock(s.Now))
				a, b = tr.StartSpan("a"), tr.StartSpan("b")
				tt.giveAction(t, s, mgr, a, b)
				active = mgr.Active()
			}, sim.WithoutTrace())
			if !assert.NoError(t, err) {
				return
			}
			assert.Equal(t, tt.want, kinds(tr))
			assert.Nil(t, active)
			for i, sp := range []opentracing.Span{a, b} {
				assert.Equal(t, tt.wantFinish[i], sp.(*mocktracer.MockSpan).FinishCount(), "%v", sp)
			}
		})
	}
}
