package simspans_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/view/simspans"
)

// A run written on sim directly shows its spans and scopes in the lanes of
// its timeline.
func Example() {
	res, _ := sim.Run(func(s *sim.Sim) {
		obs := simspans.New(s)
		tr := mocktracer.New(obs.TracerOptions(scope.NewTaskLocal(s))...)
		parent := tr.StartActiveSpan("parent")
		wg := sim.NewWaitGroup(s)
		wg.Go("child", func() { tr.StartSpan("child", mocktracerChildOf(parent)).Finish() })
		wg.Wait()
		parent.Close()
	})
	for _, e := range res.Trace.Events() {
		if e.Kind == sim.EvBegin || e.Kind == sim.EvEnd {
			fmt.Printf("task %d: %s\n", e.Task, e.What())
		}
	}
	// Output:
	// task 0: begin 1 span #1 parent
	// task 0: begin 9223372036854775809 scope #1 parent
	// task 1: begin 2 span #2 child
	// task 1: end 2 span #2 child
	// task 0: end 9223372036854775809 scope #1 parent
	// task 0: end 1 span #1 parent
}

// TestManagerKeepsIdentity: the wrapper's scopes name it as their manager,
// Active returns the scope Activate returned, and each activation is an
// interval that ScopeInterval recognises.
func TestManagerKeepsIdentity(t *testing.T) {
	res, err := sim.Run(func(s *sim.Sim) {
		obs := simspans.New(s)
		mgr := obs.Manager(scope.NewTaskLocal(s))
		tr := mocktracer.New(obs.TracerOptions(nil)...)
		sp := tr.StartSpan("x")
		sc := mgr.Activate(sp, true)
		assert.Same(t, sc, mgr.Active())
		assert.Same(t, mgr, sc.Manager())
		sc.Close()
		sc.Close() // a misuse for the manager; recorded once
		assert.Nil(t, mgr.Active())
		assert.True(t, sp.(*mocktracer.MockSpan).Finished())
	})
	require.NoError(t, err)
	var scopes []string
	for _, e := range res.Trace.Events() {
		if e.Kind == sim.EvBegin || e.Kind == sim.EvEnd {
			if id, ok := simspans.ScopeInterval(uint64(e.Arg), e.Text); ok {
				scopes = append(scopes, fmt.Sprintf("%s %d", e.Kind, id))
			}
		}
	}
	assert.Equal(t, []string{"begin 1", "end 1"}, scopes)
	_, ok := simspans.ScopeInterval(1, "scope #1 x")
	assert.False(t, ok, "a span's id is not a scope's")
	assert.True(t, strings.Contains(res.Trace.Timeline(), "┌ scope #1 x"))
}
