package mocktracer_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A program that uses the MockTracer (and through it scope.GoroutineLocal
// and sim) must not link rapid nor find -sim.* or -rapid.* flags on its
// command line: those belong to test binaries.
func TestImport_NoTestMachineryInPrograms(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	assert.NotContains(t, deps, "pgregory.net/rapid")
	assert.Contains(t, deps, "github.com/tracebed/tracebed/sim", "the check above would prove nothing")

	out, err = exec.Command("go", "run", "./testdata/flagcheck").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Empty(t, strings.TrimSpace(string(out)), "flags registered in a program that uses mocktracer")
}
