package mine_test

import (
	"testing"

	"example.com/usermod/mine"
	"github.com/tracebed/tracebed/testbed"
)

// TestMine explores the scenario like a built-in one. It fails, by design
// (the planted bug), and its failure names the replay line of this
// module's own tool.
func TestMine(t *testing.T) {
	testbed.RunAll(t, testbed.WithScenarios(mine.Scenario), testbed.Only("mine"), testbed.WithCommand("go run ./cmd/mytool"))
}
