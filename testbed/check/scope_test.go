package check_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
)

// rewrapping is a wrong manager: Active returns a fresh Scope of the right
// span instead of the one Activate returned.
type rewrapping struct{ opentracing.ScopeManager }

type wrapper struct{ opentracing.Scope }

func (m rewrapping) Active() opentracing.Scope {
	if sc := m.ScopeManager.Active(); sc != nil {
		return wrapper{sc}
	}
	return nil
}

func TestActiveIs(t *testing.T) {
	tr := mocktracer.New()
	sm := tr.ScopeManager()
	assertCheck(t, check.ActiveIs(sm, nil, "start"), true)

	outer := tr.StartActiveSpan("outer")
	inner := tr.StartActiveSpan("inner")
	assertCheck(t, check.ActiveIs(sm, inner, "nested"), true)
	assertCheck(t, check.ActiveIs(sm, outer, "nested"), false)
	assertCheck(t, check.ActiveIs(sm, nil, "nested"), false)

	err := check.ActiveIs(rewrapping{sm}, inner, "rewrapped")
	assertCheck(t, err, false)
	assert.ErrorContains(t, err, `rewrapped: the active scope is another Scope (check_test.wrapper of span "inner") of the span of the one wanted`)

	inner.Close()
	assertCheck(t, check.ActiveIs(sm, outer, "restored"), true)
	outer.Close()
	err = check.ActiveIs(sm, outer, "end")
	assertCheck(t, err, false)
	assert.ErrorContains(t, err, `end: the active scope is none, want`)
}
