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
// different scope active than it found.
//
// On the shared (stack-context) platform no task is checked on its own:
// the tasks of one context share its stack, so a task may end while a
// sibling's scope is legitimately on top, and may start with one there. What
// must hold there is checked per context instead (openContext): a context
// opened by Env.StackContext has nothing active once f has returned and
// every task spawned in it has ended, and the root context, which the tasks
// spawned outside any StackContext share, has nothing active when the
// scenario ends (finalChecks).
func guarded(p Platform, tr opentracing.Tracer, left *leftScopes, name string, f func()) {
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
	tr, rec := e.Tracer(), e.Recorder()
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
	errs = append(errs, check.NoMisuse(rec), check.AllFinishedOnce(rec))
	return errors.Join(errs...)
}

// openContext is one stack context opened by Env.StackContext under sim,
// and the tasks in it: the opener while it runs f, and every task spawned
// in the context (directly or not) that has not opened one of its own. A
// fresh context starts with nothing active, so when its last task leaves
// it, it must have nothing active again. The simulation runs one task at a
// time, so live needs no lock.
type openContext struct {
	id     int    // numbers the contexts of a run, from 1
	opener string // the name of the task that opened it
	live   int    // tasks in the context
}

// enter counts a task in the context; a nil context (the root one) counts
// nothing.
func (c *openContext) enter() {
	if c != nil {
		c.live++
	}
}

// leave counts a task out of the context and, if it was the last one,
// records a violation if a scope is still active in it. It must be called
// from a task that is in the context.
func (c *openContext) leave(tr opentracing.Tracer, left *leftScopes) {
	if c == nil {
		return
	}
	if c.live--; c.live > 0 {
		return
	}
	if sp := activeSpan(tr.ScopeManager()); sp != nil {
		left.add(fmt.Errorf("%w: stack context %d (opened by task %s) ended with %s active", ErrScopeLeft, c.id, c.opener, spanName(sp)))
	}
}
