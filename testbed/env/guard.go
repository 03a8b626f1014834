package env

import (
	"errors"
	"fmt"
	"sync"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
)

// leftScopes collects ErrScopeLeft violations from every task of a run.
type leftScopes struct {
	mu   sync.Mutex // guards errs: real goroutines report concurrently
	errs []error
}

func (l *leftScopes) add(err error) {
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

func (l *leftScopes) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return errors.Join(l.errs...)
}

// activeSpan is the span of sm's active scope, or nil.
func activeSpan(sm opentracing.ScopeManager) opentracing.Span {
	if sc := sm.Active(); sc != nil {
		return sc.Span()
	}
	return nil
}

func spanName(sp opentracing.Span) string {
	if ms, ok := sp.(*mocktracer.MockSpan); ok {
		return fmt.Sprintf("%q (span %d)", ms.OperationName(), ms.SpanID())
	}
	if sp == nil {
		return "nothing"
	}
	return fmt.Sprintf("%T", sp)
}

// guarded runs f in a task and records a violation if the task leaves a
// different scope active than it found. On the shared (stack-context)
// platform tasks share their context, so only the root is checked.
func guarded(p Platform, tr *mocktracer.MockTracer, left *leftScopes, name string, f func()) {
	if p.Propagation == Shared {
		f()
		return
	}
	sm := tr.ScopeManager()
	before := activeSpan(sm)
	f()
	if after := activeSpan(sm); after != before {
		left.add(fmt.Errorf("%w: task %s ended with %s active, started with %s", ErrScopeLeft, name, spanName(after), spanName(before)))
	}
}

// finalChecks runs after Run and Wait: the scenario's own checks and the
// ones every scenario must pass.
func finalChecks(sc Scenario, e Env, runErr error, left *leftScopes) error {
	tr := e.Tracer()
	var errs []error
	if runErr != nil {
		errs = append(errs, runErr)
	}
	if sp := activeSpan(tr.ScopeManager()); sp != nil {
		errs = append(errs, fmt.Errorf("%w: %s still active when the scenario ended", ErrScopeLeft, spanName(sp)))
	}
	errs = append(errs, left.err())
	if sc.Check != nil {
		errs = append(errs, sc.Check(e))
	}
	errs = append(errs, check.NoMisuse(tr), check.AllFinishedOnce(tr))
	return errors.Join(errs...)
}
