package scope_test

import (
	"context"
	"testing"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/scope/scopetest"
)

func TestGoroutineLocal_Harness(t *testing.T) {
	scopetest.Run(t, func(scopetest.Env) opentracing.ScopeManager {
		return scope.NewGoroutineLocal()
	}, scopetest.Propagation(scopetest.None))
}

func TestBoundContext_Harness(t *testing.T) {
	scopetest.Run(t, func(scopetest.Env) opentracing.ScopeManager {
		return scope.NewContextManager().Bind(context.Background())
	},
		scopetest.Propagation(scopetest.Copy),
		scopetest.ForeignClose(false),
		scopetest.SpawnManager(func(parent opentracing.ScopeManager) opentracing.ScopeManager {
			return parent.(*scope.BoundContext).Fork()
		}),
	)
}

// Under sim every task runs on a goroutine of its own, so the
// goroutine-local manager isolates sim tasks too.
func TestGoroutineLocal_HarnessSimTasks(t *testing.T) {
	scopetest.Run(t, func(scopetest.Env) opentracing.ScopeManager {
		return scope.NewGoroutineLocal()
	}, scopetest.Propagation(scopetest.None), scopetest.Platform(scopetest.SimTasks))
}

func TestTaskLocal_Harness(t *testing.T) {
	scopetest.Run(t, func(env scopetest.Env) opentracing.ScopeManager {
		return scope.NewTaskLocal(env.Sim())
	}, scopetest.Propagation(scopetest.None), scopetest.Platform(scopetest.SimTasks))
}

func TestInheriting_Harness(t *testing.T) {
	scopetest.Run(t, func(env scopetest.Env) opentracing.ScopeManager {
		return scope.NewInheriting(env.Sim())
	}, scopetest.Propagation(scopetest.Copy), scopetest.Platform(scopetest.SimTasks))
}

// StackContext opens fresh contexts, so the state machine spawns tasks in
// them too and checks that the contexts are isolated.
var _ scopetest.ContextRunner = (*scope.StackContext)(nil)

func TestStackContext_Harness(t *testing.T) {
	scopetest.Run(t, func(env scopetest.Env) opentracing.ScopeManager {
		return scope.NewStackContext(env.Sim())
	}, scopetest.Propagation(scopetest.Shared), scopetest.Platform(scopetest.SimTasks))
}
