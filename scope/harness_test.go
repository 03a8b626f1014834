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
