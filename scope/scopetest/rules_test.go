package scopetest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/scope/scopetest"
)

// TestRun_WrongRuleFails declares, for each manager of package scope, a
// propagation rule it does not follow: the harness must tell the rules
// apart, through the examples and through the state machine alone (no
// crowd).
func TestRun_WrongRuleFails(t *testing.T) {
	goroutineLocal := func(scopetest.Env) opentracing.ScopeManager { return scope.NewGoroutineLocal() }
	taskLocal := func(e scopetest.Env) opentracing.ScopeManager { return scope.NewTaskLocal(e.Sim()) }
	inheriting := func(e scopetest.Env) opentracing.ScopeManager { return scope.NewInheriting(e.Sim()) }
	stackContext := func(e scopetest.Env) opentracing.ScopeManager { return scope.NewStackContext(e.Sim()) }
	bound := func(scopetest.Env) opentracing.ScopeManager {
		return scope.NewContextManager().Bind(context.Background())
	}
	fork := scopetest.SpawnManager(func(p opentracing.ScopeManager) opentracing.ScopeManager {
		return p.(*scope.BoundContext).Fork()
	})
	sims := scopetest.Platform(scopetest.SimTasks)
	tests := []struct {
		name     string
		give     func(scopetest.Env) opentracing.ScopeManager
		giveOpts []scopetest.Option
	}{
		{"GoroutineLocal as Copy", goroutineLocal, []scopetest.Option{scopetest.Propagation(scopetest.Copy)}},
		{"GoroutineLocal as Shared", goroutineLocal, []scopetest.Option{scopetest.Propagation(scopetest.Shared)}},
		{"TaskLocal as Copy", taskLocal, []scopetest.Option{sims, scopetest.Propagation(scopetest.Copy)}},
		{"Inheriting as None", inheriting, []scopetest.Option{sims, scopetest.Propagation(scopetest.None)}},
		{"Inheriting as Shared", inheriting, []scopetest.Option{sims, scopetest.Propagation(scopetest.Shared)}},
		{"StackContext as Copy", stackContext, []scopetest.Option{sims, scopetest.Propagation(scopetest.Copy)}},
		{"BoundContext as None", bound, []scopetest.Option{fork, scopetest.ForeignClose(false), scopetest.Propagation(scopetest.None)}},
		{"one BoundContext shared as Copy", bound, []scopetest.Option{scopetest.ForeignClose(false), scopetest.Propagation(scopetest.Copy)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := runEnv(t, tt.give, tt.giveOpts...)
			require.True(t, ft.Failed(), "the harness passed %s", tt.name)
			assert.Contains(t, strings.Join(ft.errors, "\n"), "scope_check spawn_propagation")

			ft = runEnv(t, tt.give, append(tt.giveOpts, scopetest.SkipExamples(), scopetest.Crowd(0), scopetest.Checks(100))...)
			require.True(t, ft.Failed(), "the state machine passed %s", tt.name)
			steps := ft.steps()
			assert.NotEmpty(t, steps, "errors: %v", ft.errors)
			assert.LessOrEqual(t, len(steps), maxShrunkSteps, "shrunk sequence too long:\n%s", strings.Join(steps, "\n"))
		})
	}
}
