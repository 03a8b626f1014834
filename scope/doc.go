// Package scope holds the ScopeManagers of the OpenTracing API: the Go forms
// of the Python managers, and one built on context.Context.
//
// A ScopeManager tracks the active Scope. What "active" means across
// goroutines or tasks is the manager's propagation rule:
//
//	Python                              Go                 a child task starts with
//	ThreadLocalScopeManager             [GoroutineLocal]   nothing
//	AsyncioScopeManager, Gevent...      [TaskLocal]        nothing (sim tasks)
//	ContextVarsScopeManager             [Inheriting]       a copy of the parent's active scope
//	TornadoScopeManager + stack_context [StackContext]     the parent's context, shared
//	-                                   [ContextManager]   whatever the context it is given carries
//
// [TaskLocal], [Inheriting] and [StackContext] key on the tasks of a
// [github.com/tracebed/tracebed/sim] simulation; [GoroutineLocal] and
// [ContextManager] work anywhere (GoroutineLocal isolates sim tasks too,
// each running on its own goroutine). Outside any task of their simulation
// (before or after the run, say) the sim-task managers fall back to
// goroutine-local storage, as Python's asyncio, gevent and Tornado managers
// fall back to thread-local storage outside a task.
//
// # Scope semantics, common to all
//
// Close restores the scope that was active before the activation and, if
// finishOnClose was set, finishes the span, exactly once. Active returns nil
// when nothing is active, and otherwise the very Scope that Activate
// returned. Closing a scope twice, closing it while a scope activated after
// it (on the same stack) is still open, and closing it from a goroutine or
// task that does not own it are misuse: the call does nothing, never
// panics, never touches another goroutine's or task's state, and is
// reported with [opentracing.ReportMisuse] (kinds MisuseCloseTwice,
// MisuseCloseOutOfOrder, MisuseCloseFromOtherTask, checked in that order),
// so that the MockTracer records it. Python's managers ignore an
// out-of-order close silently; ours ignore it too, and say so.
//
// Two exceptions, both from what a context can know: [ContextManager]
// (unbound) keeps no stack and no owner, so only a second Close is misuse
// there (closing an outer scope first just finishes its span; the inner
// context still carries the inner scope); and a [BoundContext] cannot tell
// goroutines apart, so a Close from another goroutine that shares it acts
// as the owner's would.
//
// A nil span may be activated: its scope hides the span active before it
// (while it is open a tracer finds no implicit parent) and its Close
// restores that span and finishes nothing. Misuse of such a scope is not
// reported, since there is no span to find a tracer through.
//
// # Testing a manager
//
// Package [github.com/tracebed/tracebed/scope/scopetest] checks any manager
// against its declared propagation rule with a rapid state machine and the
// examples of opentracing-python's scope_check; every manager here runs it.
//
// # Cost
//
// README.md beside this file has the benchmarks of every manager, as
// measured, against context.WithValue and ctx.Value.
package scope
