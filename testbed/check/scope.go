package check

import (
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
)

// ActiveIs checks that the active Scope of sm is the very Scope want
// (compared by identity, not by its span): what the package scope
// managers promise, Active returning the Scope that Activate returned,
// and what code relies on when it closes sm.Active() (a stateless
// handler's after-hook). A nil want checks that nothing is active. where
// says at which point of the scenario, for the message.
//
// Unlike the span checks it runs while the scenario runs, on the task
// whose scope it asks about.
func ActiveIs(sm opentracing.ScopeManager, want opentracing.Scope, where string) error {
	got := sm.Active()
	switch {
	case got == want:
		return nil
	case got != nil && want != nil && got.Span() == want.Span():
		return failf("%s: the active scope is another Scope (%s) of the span of the one wanted (%s)", where, describeScope(got), describeScope(want))
	default:
		return failf("%s: the active scope is %s, want %s", where, describeScope(got), describeScope(want))
	}
}

// describeScope names a scope and its span for messages, the same way in
// every run (no addresses: a replay must print the same failure).
func describeScope(sc opentracing.Scope) string {
	if sc == nil {
		return "none"
	}
	sp := sc.Span()
	if d, ok := sp.(interface{ OperationName() string }); ok {
		return fmt.Sprintf("%T of span %q", sc, d.OperationName())
	}
	return fmt.Sprintf("%T of %T", sc, sp)
}
