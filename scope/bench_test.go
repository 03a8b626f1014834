package scope_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
)

// The benchmarks measure one Activate followed by its Close, and one
// Active() with one scope active, for each manager, beside the baseline of
// the context package: context.WithValue and ctx.Value. The span is never
// finished (finishOnClose false), so only the manager is measured.

type ctxKey struct{}

func benchSpan() opentracing.Span { return mocktracer.New().StartSpan("bench") }

func BenchmarkBaseline_WithValue(b *testing.B) {
	sp := benchSpan()
	ctx := context.Background()
	var sink context.Context
	for b.Loop() {
		sink = context.WithValue(ctx, ctxKey{}, sp)
	}
	_ = sink
}

func BenchmarkBaseline_Value(b *testing.B) {
	ctx := context.WithValue(context.Background(), ctxKey{}, benchSpan())
	var sink any
	for b.Loop() {
		sink = ctx.Value(ctxKey{})
	}
	_ = sink
}

func benchActivateClose(b *testing.B, mgr opentracing.ScopeManager) {
	sp := benchSpan()
	for b.Loop() {
		mgr.Activate(sp, false).Close()
	}
}

func benchActive(b *testing.B, mgr opentracing.ScopeManager) {
	sc := mgr.Activate(benchSpan(), false)
	defer sc.Close()
	var sink opentracing.Scope
	for b.Loop() {
		sink = mgr.Active()
	}
	_ = sink
}

func BenchmarkGoroutineLocal_ActivateClose(b *testing.B) {
	benchActivateClose(b, scope.NewGoroutineLocal())
}

func BenchmarkGoroutineLocal_Active(b *testing.B) {
	benchActive(b, scope.NewGoroutineLocal())
}

// BenchmarkGoroutineLocal_ActivateCloseParallel shows that goroutines do
// not contend: each works on its own shard of the table.
func BenchmarkGoroutineLocal_ActivateCloseParallel(b *testing.B) {
	mgr := scope.NewGoroutineLocal()
	sp := benchSpan()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mgr.Activate(sp, false).Close()
		}
	})
}

func BenchmarkContextManager_ActivateClose(b *testing.B) {
	mgr := scope.NewContextManager()
	sp := benchSpan()
	ctx := context.Background()
	for b.Loop() {
		_, sc := mgr.ActivateContext(ctx, sp, false)
		sc.Close()
	}
}

func BenchmarkContextManager_Active(b *testing.B) {
	mgr := scope.NewContextManager()
	ctx, _ := mgr.ActivateContext(context.Background(), benchSpan(), false)
	var sink opentracing.Scope
	for b.Loop() {
		sink = mgr.ActiveFromContext(ctx)
	}
	_ = sink
}

func BenchmarkBoundContext_ActivateClose(b *testing.B) {
	benchActivateClose(b, scope.NewContextManager().Bind(context.Background()))
}

func BenchmarkBoundContext_Active(b *testing.B) {
	benchActive(b, scope.NewContextManager().Bind(context.Background()))
}

// benchInSim runs bench inside the root task of a simulation, with the
// manager newManager makes for it.
func benchInSim(b *testing.B, newManager func(*sim.Sim) opentracing.ScopeManager,
	bench func(*testing.B, opentracing.ScopeManager)) {
	_, err := sim.Run(func(s *sim.Sim) { bench(b, newManager(s)) }, sim.WithoutTrace())
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkTaskLocal_ActivateClose(b *testing.B) {
	benchInSim(b, func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) }, benchActivateClose)
}

func BenchmarkTaskLocal_Active(b *testing.B) {
	benchInSim(b, func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) }, benchActive)
}

func BenchmarkInheriting_ActivateClose(b *testing.B) {
	benchInSim(b, newInheriting, benchActivateClose)
}

func BenchmarkInheriting_Active(b *testing.B) {
	benchInSim(b, newInheriting, benchActive)
}

func BenchmarkStackContext_ActivateClose(b *testing.B) {
	benchInSim(b, newStackContext, benchActivateClose)
}

func BenchmarkStackContext_Active(b *testing.B) {
	benchInSim(b, newStackContext, benchActive)
}

// BenchmarkGoroutineLocal_Leaked measures Activate, Active and Close of one
// goroutine while the table holds the entries of goroutines that exited
// with a scope open (leaked, never freed): the cost must not grow with
// them.
func BenchmarkGoroutineLocal_Leaked(b *testing.B) {
	for _, leaked := range []int{0, 1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("leaked=%d", leaked), func(b *testing.B) {
			mgr := scope.NewGoroutineLocal()
			sp := benchSpan()
			leakScopes(mgr, sp, leaked)
			var sink opentracing.Scope
			for b.Loop() {
				sc := mgr.Activate(sp, false)
				sink = mgr.Active()
				sc.Close()
			}
			_ = sink
			if got := mgr.Goroutines(); got != leaked {
				b.Fatalf("Goroutines() = %d, want %d", got, leaked)
			}
		})
	}
}

// leakScopes runs n goroutines that each activate sp in mgr and exit with
// the scope open, a few at a time.
func leakScopes(mgr opentracing.ScopeManager, sp opentracing.Span, n int) {
	var wg sync.WaitGroup
	const batch = 1000
	for start := 0; start < n; start += batch {
		for range min(batch, n-start) {
			wg.Go(func() { mgr.Activate(sp, false) })
		}
		wg.Wait()
	}
}
