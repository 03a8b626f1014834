package harness_test

import (
	"fmt"
	"testing"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/harness"
)

// A tracer's own test runs the checks with the capabilities it has. This
// one is the no-op tracer's: it has none.
func ExampleRunAPIChecks() {
	// In a _test.go file of the tracer's package:
	_ = func(t *testing.T) {
		harness.RunAPIChecks(t, func() (opentracing.Tracer, func()) {
			return opentracing.NoopTracer{}, nil
		})
	}
}

// APIChecks returns the checks as values; Needs says which option a check
// is waiting for.
func ExampleAPIChecks() {
	checks := harness.APIChecks(func() (opentracing.Tracer, func()) {
		return opentracing.NoopTracer{}, nil
	}, harness.CheckBaggageValues(true))
	byName := map[string]harness.Check{}
	for _, c := range checks {
		byName[c.Name] = c
	}
	for _, name := range []string{"TagValueTypes", "BaggageSetGet", "BaggagePropagationBinary", "IgnoreActiveSpan"} {
		needs := byName[name].Needs
		if needs == "" {
			needs = "nothing more"
		}
		fmt.Printf("%s needs %s\n", name, needs)
	}
	// Output:
	// TagValueTypes needs nothing more
	// BaggageSetGet needs nothing more
	// BaggagePropagationBinary needs CheckInject(true), CheckExtract(true)
	// IgnoreActiveSpan needs CheckScopeManager(true), UseProbe
}
