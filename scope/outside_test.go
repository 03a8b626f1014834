package scope_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
)

// outsider is a goroutine that no simulation started: a task hands it
// functions over real channels and waits, blocked, for each to return, so
// that the outsider never runs beside the task.
type outsider struct {
	in   chan func()
	done chan struct{}
}

func startOutsider(t *testing.T) *outsider {
	o := &outsider{in: make(chan func()), done: make(chan struct{})}
	go func() {
		for f := range o.in {
			f()
			o.done <- struct{}{}
		}
	}()
	t.Cleanup(func() { close(o.in) })
	return o
}

func (o *outsider) do(f func()) {
	o.in <- f
	<-o.done
}

// The sim-task managers fall back to goroutine-local storage outside a
// task of their simulation (they used to panic there): a goroutine outside
// has a stack of its own, apart from the tasks', and a scope is closed only
// on the side of the boundary where it was activated.
func TestSimManagers_FallBackOutsideATask(t *testing.T) {
	for name, mk := range map[string]func(*sim.Sim) opentracing.ScopeManager{
		"TaskLocal":    func(s *sim.Sim) opentracing.ScopeManager { return scope.NewTaskLocal(s) },
		"Inheriting":   func(s *sim.Sim) opentracing.ScopeManager { return scope.NewInheriting(s) },
		"StackContext": func(s *sim.Sim) opentracing.ScopeManager { return scope.NewStackContext(s) },
	} {
		t.Run(name, func(t *testing.T) {
			out := startOutsider(t)
			var (
				mgr opentracing.ScopeManager
				tr  *mocktracer.MockTracer
			)
			_, err := sim.Run(func(s *sim.Sim) {
				mgr = mk(s)
				tr = mocktracer.New(mocktracer.WithScopeManager(mgr))
				var outer opentracing.Scope
				out.do(func() {
					outer = mgr.Activate(tr.StartSpan("outside"), true)
					assert.Same(t, outer, mgr.Active(), "outside a task")
					assert.Same(t, mgr, outer.Manager())
				})
				assert.Nil(t, mgr.Active(), "a task sees the outsider's scope")
				inTask := tr.StartActiveSpan("in task")
				child := tr.StartSpan("child").(*mocktracer.MockSpan)
				assert.Equal(t, inTask.Span().(*mocktracer.MockSpan).SpanID(), child.ParentID())

				out.do(func() {
					assert.Same(t, outer, mgr.Active(), "the task's activation reached the outsider")
					inTask.Close()
				})
				assert.Same(t, inTask, mgr.Active(), "a Close from outside closed the task's scope")
				outer.Close()
				out.do(func() {
					assert.Same(t, outer, mgr.Active(), "a Close from a task closed the outsider's scope")
					outer.Close()
					assert.Nil(t, mgr.Active())
				})
				inTask.Close()
				assert.Nil(t, mgr.Active())
			})
			require.NoError(t, err)
			assert.Equal(t, []opentracing.MisuseKind{
				opentracing.MisuseCloseFromOtherTask, opentracing.MisuseCloseFromOtherTask,
			}, kinds(tr))
			assert.Len(t, tr.FinishedSpans(), 2, "each scope finished its span once, on its own side")

			// After the run, the test's goroutine is outside too.
			sc := mgr.Activate(tr.StartSpan("after"), true)
			assert.Same(t, sc, mgr.Active())
			if cr, ok := mgr.(interface{ Run(func()) }); ok {
				ran := false
				cr.Run(func() { ran = true; assert.Same(t, sc, mgr.Active()) })
				assert.True(t, ran, "Run outside a task did not call f")
			}
			sc.Close()
			assert.Nil(t, mgr.Active())
			assert.Len(t, tr.FinishedSpans(), 3)
		})
	}
}
