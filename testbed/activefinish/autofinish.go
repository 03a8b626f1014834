package activefinish

import (
	"sync"

	"github.com/tracebed/tracebed/opentracing"
)

// refCount is the reference count shared by an AutoFinishScope and every
// scope and continuation made from it: opentracing-java's
// AutoFinishScopeManager keeps one AtomicInteger per span. The span
// finishes when the count drops to zero.
type refCount struct {
	span opentracing.Span
	mu   sync.Locker // guards n; from env.NewMutex, so a sim scheduling point
	n    int
	// bug is set only by the broken variants.
	bug bug
	// preempt is a scheduling point (env.Yield) that stands for the
	// preemption between a load and a store of an unguarded counter.
	preempt func()
	// logf, if set, annotates the run (env.Logf).
	logf func(format string, args ...any)
}

func (r *refCount) log(format string, args ...any) {
	if r.logf != nil {
		r.logf(format, args...)
	}
}

// bug is a planted mistake in the reference count.
type bug int

const (
	// bugNoLock: the count is decremented without the mutex, as a load
	// and a store: two releases that interleave lose an update, the count
	// never reaches zero and the span is never finished.
	bugNoLock bug = iota + 1
	// bugReadAfterUnlock: the decrement is locked, but the "is it zero?"
	// test reads the count after the unlock: two releases that interleave
	// both see zero and both finish the span.
	bugReadAfterUnlock
)

func (r *refCount) acquire() {
	r.mu.Lock()
	r.n++
	n := r.n
	r.mu.Unlock()
	r.log("capture (refs=%d)", n)
}

// release drops one reference; the one that drops the last finishes the
// span.
func (r *refCount) release() {
	switch r.bug {
	case bugNoLock:
		n := r.n
		r.log("release: load refs=%d, no lock held", n)
		r.preempt()
		r.n = n - 1
		r.log("release: store refs=%d", n-1)
		if r.n == 0 {
			r.span.Finish()
		}
	case bugReadAfterUnlock:
		r.mu.Lock()
		r.n--
		n := r.n
		r.mu.Unlock()
		r.log("release (refs=%d), then read the count again after the unlock", n)
		r.preempt()
		if r.n == 0 {
			r.span.Finish()
		}
	default:
		r.mu.Lock()
		r.n--
		n := r.n
		r.mu.Unlock()
		r.log("release (refs=%d)", n)
		if n == 0 {
			r.span.Finish()
		}
	}
}

// AutoFinishScope is an activation of a span that holds one reference to
// it: the Go form of opentracing-java's AutoFinishScope. Closing it ends
// the activation and drops the reference; the span finishes when the last
// reference, of this scope or of any continuation captured from it or its
// siblings, is dropped, on whichever task that happens.
type AutoFinishScope struct {
	ref *refCount
	sm  opentracing.ScopeManager
	// scope is the manager's activation; nil for a reference without one.
	scope opentracing.Scope
}

// Activate makes span active in sm and returns a scope holding the first
// reference to it. mu guards the reference count (use env.NewMutex, so that
// it is a scheduling point under sim). With a nil sm the scope holds the
// reference without activating anything: for a span carried in a
// context.Context.
func Activate(sm opentracing.ScopeManager, span opentracing.Span, mu sync.Locker) *AutoFinishScope {
	return &AutoFinishScope{ref: &refCount{span: span, mu: mu, n: 1}, sm: sm, scope: activate(sm, span)}
}

// Span returns the span.
func (s *AutoFinishScope) Span() opentracing.Span { return s.ref.span }

// Capture takes a new reference for work that will run later, perhaps on
// another task: call it on the task that owns s, before handing the
// continuation over, so that the span cannot finish in between.
func (s *AutoFinishScope) Capture() *Continuation {
	s.ref.acquire()
	return &Continuation{ref: s.ref, sm: s.sm}
}

// Close ends the activation and drops the scope's reference: the span
// finishes if it was the last.
func (s *AutoFinishScope) Close() {
	if s.scope != nil {
		s.scope.Close()
	}
	s.ref.release()
}

// Continuation is a reference to a span captured for later work: Java's
// AutoFinishScope.Continuation. Use it once: Activate it on the task that
// does the work and close the scope, or Close it directly where the span is
// already reachable (inherited, or in a context.Context).
type Continuation struct {
	ref *refCount
	sm  opentracing.ScopeManager
}

// Activate makes the span active again on the calling task; the scope it
// returns holds the continuation's reference.
func (c *Continuation) Activate() *AutoFinishScope {
	return &AutoFinishScope{ref: c.ref, sm: c.sm, scope: activate(c.sm, c.ref.span)}
}

func activate(sm opentracing.ScopeManager, span opentracing.Span) opentracing.Scope {
	if sm == nil {
		return nil
	}
	return sm.Activate(span, false)
}

// Close drops the continuation's reference without activating the span.
func (c *Continuation) Close() { c.ref.release() }
