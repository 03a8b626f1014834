package env_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracebed/tracebed/testbed/env"
)

// The replay line of a failure under the caller's manager carries its
// caveat as a shell comment, so that the line still pastes into a shell.
func TestFailure_ReplayCommandPastes(t *testing.T) {
	f := &env.Failure{Scenario: "latespan", Platform: "tasks", Strategy: env.Random, Seed: 3, Manager: "*my.Manager"}
	assert.Equal(t,
		"go run ./cmd/tracebed replay -scenario latespan -platform tasks -strategy random -seed 3"+
			"  # replays with the built-in manager and tracer, not your *my.Manager",
		f.ReplayCommand())
	f.Manager = ""
	assert.Equal(t, "go run ./cmd/tracebed replay -scenario latespan -platform tasks -strategy random -seed 3", f.ReplayCommand())
}
