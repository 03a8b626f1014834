package scope

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tracebed/tracebed/opentracing"
)

// ContextManager keeps the active scope in a [context.Context]: the Go way to
// carry request-scoped values. [ContextManager.ActivateContext] returns a
// context that carries the new Scope; [ContextManager.ActiveFromContext]
// reads it back.
//
// # Propagation
//
// The scope travels with the context, and only with it. A goroutine started
// with ctx sees the scope active in ctx; an activation in that goroutine
// returns a new context and never changes what its parent sees. Contexts are
// immutable, so this is the "copy" rule of Python's contextvars: closing a
// scope in a child never changes the parent, and the parent closing its own
// scope does not change the context it already gave a child (the child still
// sees that scope, now closed).
//
// # Restoring on Close
//
// A context cannot change, so "Close restores the previous scope" means: the
// caller goes back to the context it had before the activation. The usual
// shape makes that automatic:
//
//	func handle(ctx context.Context) {
//		ctx, sc := mgr.ActivateContext(ctx, span, true)
//		defer sc.Close()
//		... // ctx carries sc here; the caller's ctx never did
//	}
//
// ActiveFromContext returns the scope stored in ctx even after it was
// closed. Close finishes the span (with finishOnClose) exactly once; a second
// Close is reported as misuse and does nothing.
//
// # Fitting the ScopeManager interface
//
// opentracing.ScopeManager has no context parameter, so a Tracer's implicit
// parent (tracer.ScopeManager().Active()) cannot see a context. Two ways:
//
//   - pass the parent explicitly: tracer.StartSpan(name,
//     opentracing.ChildOf(mgr.ActiveFromContext(ctx).Span().Context())) — no
//     hidden state, safe everywhere;
//   - [ContextManager.Bind] a context into a [BoundContext], an
//     opentracing.ScopeManager whose Activate/Active move a cursor over
//     contexts (a stack for one goroutine or request). Give a child goroutine
//     m.Bind(b.Context()) so it starts from the parent's active scope. A
//     BoundContext shared by several goroutines is one stack shared by them
//     (no isolation), and it cannot tell which goroutine closes a scope, so a
//     Close from another goroutine is not detected.
//
// The trade-off against [GoroutineLocal]: no goroutine ids, no table and
// nothing to leak; Active is one ctx.Value lookup; but every function on the
// path must take and return the context.
type ContextManager struct {
	_ byte // non-zero size, so that every manager has its own address and key
}

// ctxKey is the context key of a manager's scopes: one per manager, so two
// managers never see each other's scopes. A one-pointer struct is stored in
// an interface without allocating.
type ctxKey struct{ m *ContextManager }

// NewContextManager returns a context-based manager.
func NewContextManager() *ContextManager {
	return &ContextManager{}
}

// ActivateContext returns a context derived from ctx in which span is active,
// and the Scope of that activation. If finishOnClose is true, closing the
// Scope finishes the span.
//
// The returned context is the scope itself: a context.Context that answers
// Value for this manager's key and passes everything else to ctx, so an
// activation allocates once.
func (m *ContextManager) ActivateContext(ctx context.Context, span opentracing.Span, finishOnClose bool) (context.Context, opentracing.Scope) {
	if ctx == nil {
		panic("scope: ActivateContext with a nil context")
	}
	sc := &ctxScope{Context: ctx, m: m, span: span, finishOnClose: finishOnClose}
	return sc, sc
}

// ActiveFromContext returns the Scope active in ctx, or nil when ctx carries
// none of this manager's scopes.
func (m *ContextManager) ActiveFromContext(ctx context.Context) opentracing.Scope {
	if sc := m.active(ctx); sc != nil {
		return sc
	}
	return nil
}

func (m *ContextManager) active(ctx context.Context) *ctxScope {
	sc, _ := ctx.Value(ctxKey{m}).(*ctxScope)
	return sc
}

// Bind returns a ScopeManager whose current context starts as ctx: see
// [BoundContext].
func (m *ContextManager) Bind(ctx context.Context) *BoundContext {
	return &BoundContext{m: m, ctx: ctx}
}

// BoundContext adapts a [ContextManager] to opentracing.ScopeManager. It
// holds a current context: Activate replaces it with a context carrying the
// new scope, and closing that scope puts back the context it replaced.
//
// A BoundContext is a stack for one goroutine (or one request): it is safe
// for concurrent use, but goroutines that share it share one active scope.
// Start a child goroutine with its own m.Bind(b.Context()): it starts with the
// parent's active scope, and what it activates stays its own. Closing out of
// order and closing twice are reported as misuse and do nothing; a Close
// from another goroutine cannot be told apart from the owner's.
type BoundContext struct {
	m   *ContextManager
	mu  sync.Mutex
	ctx context.Context // guarded by mu: the current context
}

var _ opentracing.ScopeManager = (*BoundContext)(nil)

// Context returns the current context: it carries the active scope.
func (b *BoundContext) Context() context.Context {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ctx
}

// Fork returns a new BoundContext that starts from b's current context: give
// it to a child goroutine. The child starts with b's active scope; what
// either activates afterwards is its own.
func (b *BoundContext) Fork() *BoundContext {
	return b.m.Bind(b.Context())
}

// Activate makes span active in the current context.
func (b *BoundContext) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx, sc := b.m.ActivateContext(b.ctx, span, finishOnClose)
	sc.(*ctxScope).bound = b
	b.ctx = ctx
	return sc
}

// Active returns the Scope active in the current context, or nil.
func (b *BoundContext) Active() opentracing.Scope {
	b.mu.Lock()
	ctx := b.ctx
	b.mu.Unlock()
	return b.m.ActiveFromContext(ctx)
}

// ctxScope is both the Scope and the context that carries it. The embedded
// Context is the one before the activation (the parent).
type ctxScope struct {
	context.Context
	m             *ContextManager
	span          opentracing.Span
	finishOnClose bool
	bound         *BoundContext // set if activated through a BoundContext
	closed        atomic.Bool
}

// Value returns the scope for this manager's key and asks the parent
// otherwise.
func (s *ctxScope) Value(key any) any {
	if k, ok := key.(ctxKey); ok && k.m == s.m {
		return s
	}
	return s.Context.Value(key)
}

// String renders the context chain, as the context package's own contexts
// do.
func (s *ctxScope) String() string {
	return fmt.Sprintf("%v.WithScope(%v)", s.Context, s.span)
}

func (s *ctxScope) Span() opentracing.Span { return s.span }

// Manager returns the BoundContext that activated the scope or, for a scope
// of ActivateContext, a BoundContext over the context that carries it.
func (s *ctxScope) Manager() opentracing.ScopeManager {
	if s.bound != nil {
		return s.bound
	}
	return s.m.Bind(s)
}

func (s *ctxScope) Close() {
	if b := s.bound; b != nil {
		var misuse opentracing.MisuseKind
		b.mu.Lock()
		switch {
		case s.closed.Load():
			misuse = opentracing.MisuseCloseTwice
		case b.m.active(b.ctx) != s:
			misuse = opentracing.MisuseCloseOutOfOrder
		default:
			s.closed.Store(true)
			b.ctx = s.Context
		}
		b.mu.Unlock()
		if misuse != 0 {
			report(s.span, misuse, "scope.BoundContext")
			return
		}
	} else if s.closed.Swap(true) {
		report(s.span, opentracing.MisuseCloseTwice, "scope.ContextManager")
		return
	}
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}
