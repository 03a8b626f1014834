package env_test

import (
	"testing"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/activefinish"
	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/latespan"
)

// wrapped is a caller's own Tornado-style manager: not a *scope.StackContext,
// but one that forwards to it, Run included.
type wrapped struct{ sc *scope.StackContext }

func (w wrapped) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	return w.sc.Activate(span, finishOnClose)
}
func (w wrapped) Active() opentracing.Scope { return w.sc.Active() }
func (w wrapped) Run(f func())              { w.sc.Run(f) }

var _ env.ContextRunner = wrapped{}

// TestStackContextOfAnyContextRunner: env.StackContext opens a fresh
// context on any manager that runs functions in one, not only on
// *scope.StackContext, so a caller's Shared-rule manager passes the
// scenarios whose tasks need contexts of their own (latespan's two
// subtasks would otherwise push and pop one shared stack out of order).
func TestStackContextOfAnyContextRunner(t *testing.T) {
	m := func(s *sim.Sim) opentracing.ScopeManager { return wrapped{scope.NewStackContext(s)} }
	for _, st := range env.Strategies() {
		stats, err := env.Explore(latespan.Scenario, env.StackContext, env.Exploration{Strategy: st, Seeds: 100, Config: env.Config{Manager: m}})
		if err != nil {
			t.Fatal(err)
		}
		if stats.First != nil {
			t.Fatalf("%s: %d of %d runs failed: %v", st, stats.Failures, stats.Runs, stats.First)
		}
	}
}

// runnerInheriting is an inheriting (contextvars) manager that also has a
// Run method, as contextvars' Context.run would give it.
type runnerInheriting struct{ *scope.Inheriting }

func (runnerInheriting) Run(f func()) { f() }

// TestStackContextOnlyOnShared: on the inherit platform a manager's Run
// method is not a stack context. A spawned task there rightly ends with the
// span it inherited still active, which the per-context leftover check of
// the Shared rule took for a scope left active (activefinish failed every
// run).
func TestStackContextOnlyOnShared(t *testing.T) {
	m := func(s *sim.Sim) opentracing.ScopeManager { return runnerInheriting{scope.NewInheriting(s)} }
	stats, err := env.Explore(activefinish.Scenario, env.Inheriting, env.Exploration{Strategy: env.Strategies()[0], Seeds: 50, Config: env.Config{Manager: m}})
	if err != nil {
		t.Fatal(err)
	}
	if stats.First != nil {
		t.Fatalf("%d of %d runs failed: %v", stats.Failures, stats.Runs, stats.First)
	}
}
