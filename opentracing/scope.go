package opentracing

// Scope is one activation of a Span in a ScopeManager. Closing it restores
// the Scope that was active before it was activated (in the same task, by
// the manager's rule) and, if the activation asked for it, finishes the
// span.
//
// A Scope is meant to be closed once, by the goroutine or task that
// activated it, in the reverse order of activation. Closing twice or out of
// order is a misuse: a manager must not panic or corrupt another task's
// state, and it reports the misuse to the span's tracer if the tracer is a
// MisuseReporter.
type Scope interface {
	// Span returns the activated span.
	Span() Span

	// Close ends the activation.
	Close()

	// Manager returns the ScopeManager that made the Scope.
	Manager() ScopeManager
}

// ScopeManager tracks the active Scope. What "active" means across
// goroutines or tasks is the manager's propagation rule: each manager
// documents it (see package scope).
type ScopeManager interface {
	// Activate makes span the active span and returns its Scope. If
	// finishOnClose is true, closing the Scope finishes the span.
	Activate(span Span, finishOnClose bool) Scope

	// Active returns the active Scope, or nil when none is active.
	Active() Scope
}

// MisuseKind names a kind of API misuse whose effect the API leaves
// undefined.
type MisuseKind int

const (
	// MisuseFinishTwice: Finish called on a span already finished.
	MisuseFinishTwice MisuseKind = iota + 1
	// MisuseMutateAfterFinish: a setter or log call on a finished span.
	MisuseMutateAfterFinish
	// MisuseCloseTwice: Close called on a scope already closed.
	MisuseCloseTwice
	// MisuseCloseOutOfOrder: a scope closed while a scope activated after
	// it (in the same task) is still open.
	MisuseCloseOutOfOrder
	// MisuseCloseFromOtherTask: a scope closed by a goroutine or task other
	// than the one that activated it.
	MisuseCloseFromOtherTask
)

// String returns a short snake_case name of the kind.
func (k MisuseKind) String() string {
	switch k {
	case MisuseFinishTwice:
		return "finish_twice"
	case MisuseMutateAfterFinish:
		return "mutate_after_finish"
	case MisuseCloseTwice:
		return "close_twice"
	case MisuseCloseOutOfOrder:
		return "close_out_of_order"
	case MisuseCloseFromOtherTask:
		return "close_from_other_task"
	default:
		return "unknown_misuse"
	}
}

// Misuse describes one misuse of the API.
type Misuse struct {
	// Kind says which misuse it is.
	Kind MisuseKind
	// Operation is the operation name of the span concerned, if known.
	Operation string
	// Detail says what happened, for a human.
	Detail string
}

// MisuseReporter is implemented by tracers that record misuse (the
// MockTracer does). Scope managers and spans report to it so that tests can
// assert that a scenario never misuses the API.
type MisuseReporter interface {
	// ReportMisuse records m, a misuse just detected by a span or a
	// scope manager.
	ReportMisuse(m Misuse)
}

// ReportMisuse reports m to the tracer of span, if the span is not nil and
// its tracer is a MisuseReporter. Scope managers call it.
func ReportMisuse(span Span, m Misuse) {
	if span == nil {
		return
	}
	if r, ok := span.Tracer().(MisuseReporter); ok {
		r.ReportMisuse(m)
	}
}
