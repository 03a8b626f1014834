// Package mocktracer is an opentracing.Tracer that records every span in
// memory so tests can assert what a program traced.
//
// # Determinism
//
// Nothing in a MockTracer depends on process-global state: span ids come
// from a per-tracer id source (by default a counter 1, 2, 3, ... owned by
// the tracer, see WithIDSource) and timestamps from an injectable clock
// (WithClock; under package sim pass the simulation's Now). Two tracers
// built with the same options and driven by the same calls produce the
// same ids and times. A root span's trace id is its own span id; a child
// inherits the trace id of its parent.
//
// # Recording
//
// StartedSpans lists every span started since New or the last Reset, in
// start order; FinishedSpans lists finished spans in finish order. Both
// return copies. Reset forgets finished spans and recorded misuse; spans
// still open when Reset is called stay in StartedSpans and are recorded
// in FinishedSpans when they finish (a span whose Finish races with Reset
// ends in both lists or in neither). A test that watches spans while they
// finish polls FinishedSince with a cursor, which copies only the spans
// finished since its last call.
//
// # Misuse
//
// The API leaves some calls undefined: finishing a span twice, mutating a
// span after Finish, closing a scope twice or out of order. MockTracer
// never panics on them: it records an opentracing.Misuse (see Misuses)
// and ignores the call, so property tests can assert that a scenario never
// misuses the API. Scope managers report their misuse through
// opentracing.ReportMisuse, which reaches MockTracer.ReportMisuse.
//
// # Scope management
//
// Without WithScopeManager, a MockTracer tracks the active span with a
// [scope.GoroutineLocal], the Go form of Python's ThreadLocalScopeManager:
// each goroutine has its own stack of scopes and a new goroutine starts
// with nothing active, so the span a goroutine activates is the implicit
// parent of the spans that goroutine starts, and of no other goroutine's.
// Its misuse (a scope closed twice, out of order or from a goroutine that
// did not activate it) is ignored and recorded in Misuses. Each tracer gets
// a manager of its own. WithScopeManager plugs in any other manager, for
// instance the task-local ones of package scope under package sim.
//
// # Propagation
//
// TextMap, HTTPHeaders and Binary are registered by default;
// RegisterPropagator adds or replaces a format. Extract never panics and
// never returns a half-made context: a carrier without a mock context
// gives opentracing.ErrSpanContextNotFound, a damaged one
// opentracing.ErrSpanContextCorrupted (checked before "not found", so a
// corrupted id is never mistaken for an absent one), and a carrier that
// panics or breaks the io.Reader contract opentracing.ErrInvalidCarrier.
// Carriers are treated as untrusted: errors quote only a short prefix of
// their data, and Binary allocates in proportion to what it reads (see
// Propagator).
package mocktracer
