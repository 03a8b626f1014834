package scope_test

import (
	"fmt"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
)

// name returns the operation name of the active span, or "nothing".
func name(sc opentracing.Scope) string {
	if sc == nil {
		return "nothing"
	}
	return sc.Span().(*mocktracer.MockSpan).OperationName()
}

// A sim task starts with nothing active (asyncio, gevent): the parent passes
// its span and the child activates it, without finishing it on close.
func ExampleTaskLocal() {
	var tracer *mocktracer.MockTracer
	_, err := sim.Run(func(s *sim.Sim) {
		mgr := scope.NewTaskLocal(s)
		tracer = mocktracer.New(mocktracer.WithScopeManager(mgr), mocktracer.WithClock(s.Now))
		parent := tracer.StartActiveSpan("parent")
		wg := sim.NewWaitGroup(s)
		wg.Add(1)
		s.Go("child", func() {
			defer wg.Done()
			fmt.Println("the child starts with", name(mgr.Active()), "active")
			sc := mgr.Activate(parent.Span(), false)
			defer sc.Close()
			tracer.StartSpan("child").Finish()
		})
		wg.Wait()
		parent.Close()
	})
	if err != nil {
		fmt.Println(err)
	}
	printSpans(tracer)
	// Output:
	// the child starts with nothing active
	// child (parent parent)
	// parent (parent -)
}

// A sim task starts with a copy of its parent's active scope (contextvars):
// no span to pass, and what the child activates stays its own.
func ExampleInheriting() {
	var tracer *mocktracer.MockTracer
	_, err := sim.Run(func(s *sim.Sim) {
		mgr := scope.NewInheriting(s)
		tracer = mocktracer.New(mocktracer.WithScopeManager(mgr), mocktracer.WithClock(s.Now))
		parent := tracer.StartActiveSpan("parent")
		wg := sim.NewWaitGroup(s)
		wg.Add(1)
		s.Go("child", func() {
			defer wg.Done()
			fmt.Println("the child starts with", name(mgr.Active()), "active")
			sc := tracer.StartActiveSpan("child")
			s.Yield()
			sc.Close()
		})
		s.Yield()
		fmt.Println("the parent still sees", name(mgr.Active()))
		wg.Wait()
		parent.Close()
	}, sim.WithStrategy(sim.Random(1)))
	if err != nil {
		fmt.Println(err)
	}
	printSpans(tracer)
	// Output:
	// the child starts with parent active
	// the parent still sees parent
	// child (parent parent)
	// parent (parent -)
}

// Tasks started inside StackContext.Run share the context (Tornado's
// tracer_stack_context): the child sees the parent's span without being
// given it, and what the child activates is active for the parent too.
func ExampleStackContext() {
	var tracer *mocktracer.MockTracer
	_, err := sim.Run(func(s *sim.Sim) {
		mgr := scope.NewStackContext(s)
		tracer = mocktracer.New(mocktracer.WithScopeManager(mgr), mocktracer.WithClock(s.Now))
		mgr.Run(func() {
			parent := tracer.StartActiveSpan("parent")
			activated, closed := sim.NewChan[struct{}](s, 0), sim.NewChan[struct{}](s, 0)
			s.Go("child", func() {
				fmt.Println("the child starts with", name(mgr.Active()), "active")
				sc := tracer.StartActiveSpan("child")
				activated.Send(struct{}{})
				closed.Recv()
				sc.Close()
				closed.Send(struct{}{})
			})
			activated.Recv()
			fmt.Println("while the child's scope is open, the parent sees", name(mgr.Active()))
			closed.Send(struct{}{})
			closed.Recv()
			fmt.Println("after the child closed it, the parent sees", name(mgr.Active()))
			parent.Close()
		})
	})
	if err != nil {
		fmt.Println(err)
	}
	printSpans(tracer)
	// Output:
	// the child starts with parent active
	// while the child's scope is open, the parent sees child
	// after the child closed it, the parent sees parent
	// child (parent parent)
	// parent (parent -)
}
