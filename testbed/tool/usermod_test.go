package tool

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUserModule: a module of its own (testdata/usermod, tracebed through
// a replace) defines a scenario with a planted failure, explores it with
// testbed.RunAll, and builds its own tool on this package. The tool's run
// finds the failure, and every replay line printed, by the tool and by
// RunAll, reproduces it when run as printed from the module's root.
func TestUserModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs another module with the go command")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "usermod"))
	require.NoError(t, err)
	// sh runs a command line in the module, with the environment's module
	// cache and proxy.
	sh := func(line string) (int, string) {
		t.Helper()
		f := strings.Fields(line)
		cmd := exec.Command(f[0], f[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod "+os.Getenv("GOFLAGS"), "GOWORK=off")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), out.String()
		}
		require.NoError(t, err, line)
		return 0, out.String()
	}
	// replayLines are the replay command lines in out, prefix and all.
	replayLines := func(out, prefix string) []string {
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			l = strings.TrimSpace(l)
			if after, ok := strings.CutPrefix(l, prefix); ok {
				lines = append(lines, after)
			}
		}
		return lines
	}
	// reproduces runs a replay line as printed and asserts that it fails
	// again, with the same error.
	reproduces := func(line, wantErr string) {
		t.Helper()
		code, out := sh(line)
		assert.Equal(t, 1, code, "%s:\n%s", line, out)
		assert.Contains(t, out, "FAIL: mine on tasks, ", line)
		assert.Contains(t, out, wantErr, line)
		assert.Contains(t, out, "\nreplay: "+line+"\n", "the replay names itself")
	}
	const wantErr = `check failed: "request"`

	code, out := sh("go run ./cmd/mytool list")
	require.Equal(t, 0, code, out)
	assert.Regexp(t, `(?m)^mine\s+tasks\s+a request span`, out, "the user's scenario, next to the built-in ones")
	assert.Regexp(t, `(?m)^clientserver\s`, out)

	code, out = sh("go run ./cmd/mytool run -seeds 50 mine")
	require.Equal(t, 1, code, out)
	lines := replayLines(out, "")
	var tool []string
	for _, l := range lines {
		if strings.HasPrefix(l, "go run ") && strings.Contains(l, " replay ") {
			tool = append(tool, l)
		}
	}
	require.NotEmpty(t, tool, "the tool prints replay lines:\n%s", out)
	for _, l := range tool {
		require.True(t, strings.HasPrefix(l, "go run ./cmd/mytool replay -scenario mine "), "the user's command, not tracebed's: %s", l)
	}
	reproduces(tool[0], wantErr)           // a seed
	reproduces(tool[len(tool)-1], wantErr) // dfs: a schedule
	assert.Contains(t, tool[len(tool)-1], " -schedule ")

	code, out = sh("go test -count=1 ./mine -testbed.seeds=50")
	require.Equal(t, 1, code, "RunAll finds the planted failure:\n%s", out)
	fromTest := replayLines(out, "replay: ")
	require.NotEmpty(t, fromTest, out)
	reproduces(fromTest[0], wantErr)
}
