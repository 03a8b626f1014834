package scope_test

import (
	"context"
	"fmt"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope"
)

// printSpans prints each finished span with the name of its parent.
func printSpans(tracer *mocktracer.MockTracer) {
	names := map[uint64]string{}
	for _, sp := range tracer.StartedSpans() {
		names[sp.SpanID()] = sp.OperationName()
	}
	for _, sp := range tracer.FinishedSpans() {
		parent := names[sp.ParentID()]
		if parent == "" {
			parent = "-"
		}
		fmt.Printf("%s (parent %s)\n", sp.OperationName(), parent)
	}
}

// A goroutine starts with nothing active: the parent passes its span, and
// the child activates it without finishing it on close.
func ExampleGoroutineLocal() {
	mgr := scope.NewGoroutineLocal()
	tracer := mocktracer.New(mocktracer.WithScopeManager(mgr))

	parent := tracer.StartActiveSpan("parent")
	done := make(chan struct{})
	go func(sp opentracing.Span) {
		defer close(done)
		fmt.Println("active in the new goroutine:", mgr.Active())
		sc := mgr.Activate(sp, false)
		defer sc.Close()
		tracer.StartSpan("child").Finish() // the active span is the parent
	}(parent.Span())
	<-done
	parent.Close()

	printSpans(tracer)
	fmt.Println("active after Close:", mgr.Active())
	// Output:
	// active in the new goroutine: <nil>
	// child (parent parent)
	// parent (parent -)
	// active after Close: <nil>
}

// The span travels in the context: a goroutine given ctx sees the scope
// active in it. The tracer's implicit parent cannot see a context, so the
// parent is named with ChildOf.
func ExampleContextManager() {
	mgr := scope.NewContextManager()
	tracer := mocktracer.New()

	ctx, sc := mgr.ActivateContext(context.Background(), tracer.StartSpan("parent"), true)
	done := make(chan struct{})
	go func(ctx context.Context) {
		defer close(done)
		parent := mgr.ActiveFromContext(ctx).Span()
		ctx, sc := mgr.ActivateContext(ctx,
			tracer.StartSpan("child", opentracing.ChildOf(parent.Context())), true)
		defer sc.Close()
		fmt.Println("active in the child's context:", mgr.ActiveFromContext(ctx).Span().(*mocktracer.MockSpan).OperationName())
	}(ctx)
	<-done
	sc.Close()

	printSpans(tracer)
	fmt.Println("active in the caller's context:", mgr.ActiveFromContext(context.Background()))
	// Output:
	// active in the child's context: child
	// child (parent parent)
	// parent (parent -)
	// active in the caller's context: <nil>
}

// A BoundContext is an opentracing.ScopeManager over a context, for one
// goroutine or request; Fork gives a child goroutine its own, starting from
// the parent's active scope.
func ExampleBoundContext() {
	mgr := scope.NewContextManager()
	bound := mgr.Bind(context.Background())
	tracer := mocktracer.New(mocktracer.WithScopeManager(bound))

	parent := tracer.StartActiveSpan("parent")
	child := bound.Fork()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fmt.Println("the child starts with the parent active:", child.Active() == parent)
		// The child's own manager: activate under the implicit parent read
		// from it.
		sp := tracer.StartSpan("child", opentracing.ChildOf(child.Active().Span().Context()))
		sc := child.Activate(sp, true)
		sc.Close()
	}()
	<-done
	fmt.Println("the parent still sees its own scope:", bound.Active() == parent)
	parent.Close()

	printSpans(tracer)
	// Output:
	// the child starts with the parent active: true
	// the parent still sees its own scope: true
	// child (parent parent)
	// parent (parent -)
}
