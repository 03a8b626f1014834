package tool

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tracebed/tracebed/testbed/env"
)

// racy fails on the schedules where the spawned task runs before the root
// returns.
var racy = env.Scenario{
	Name:      "racy",
	Summary:   "fails when the spawned task wins the race",
	Platforms: []env.Platform{env.Tasks},
	Run: func(e env.Env) error {
		var won bool
		e.Go("rival", func() { won = true })
		e.Yield()
		if won {
			return assert.AnError
		}
		return nil
	},
}

func callWith(opts []Option, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr, opts...)
	return code, stdout.String(), stderr.String()
}

// A tool with WithScenarios and WithCommand lists and runs the caller's
// scenario, and its failures' replay lines name the caller's command and
// replay in that tool.
func TestWithScenariosAndCommand(t *testing.T) {
	opts := []Option{WithScenarios(racy), WithCommand("mybed")}
	code, out, _ := callWith(opts, "list")
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^racy\s+tasks\s+fails when`, out)
	assert.Regexp(t, `(?m)^clientserver\s`, out, "next to the built-in ones")

	code, out, _ = callWith(opts, "run", "-seeds", "30", "-strategy", "random", "racy")
	require.Equal(t, 1, code, out)
	i := strings.Index(out, "  mybed replay -scenario racy ")
	require.GreaterOrEqual(t, i, 0, out)
	line, _, _ := strings.Cut(out[i+2:], "\n")
	code, replayed, _ := callWith(opts, strings.Fields(line)[1:]...)
	assert.Equal(t, 1, code, replayed)
	assert.Contains(t, replayed, "FAIL: racy on tasks, random seed ")
	assert.Contains(t, replayed, "\nreplay: "+line+"\n")

	// The built-in tool does not know it; WithoutBuiltins knows only it.
	code, _, errOut := call("replay", "-scenario", "racy", "-seed", "0")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "unknown scenario")
	code, out, _ = callWith([]Option{WithoutBuiltins(), WithScenarios(racy)}, "list")
	require.Equal(t, 0, code)
	assert.NotContains(t, out, "clientserver")
	assert.Contains(t, out, "racy")
}

func TestBadScenarios(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"a built-in name", []Option{WithScenarios(env.Scenario{Name: "clientserver", Platforms: racy.Platforms, Run: racy.Run})}, `two scenarios named "clientserver"`},
		{"twice", []Option{WithScenarios(racy, racy)}, `two scenarios named "racy"`},
		{"a slash", []Option{WithScenarios(env.Scenario{Name: "a/b", Platforms: racy.Platforms, Run: racy.Run})}, "without a slash"},
		{"no run", []Option{WithScenarios(env.Scenario{Name: "idle", Platforms: racy.Platforms})}, "want Platforms and Run"},
		{"none", []Option{WithoutBuiltins()}, "no scenarios"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := callWith(tt.opts, "list")
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tt.want)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
		})
	}
}

func TestCommandFrom(t *testing.T) {
	bi := func(path, mod, version string) *debug.BuildInfo {
		return &debug.BuildInfo{Path: path, Main: debug.Module{Path: mod, Version: version}}
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"tracebed from source", bi("github.com/tracebed/tracebed/cmd/tracebed", "github.com/tracebed/tracebed", "(devel)"), true, env.DefaultCommand},
		{"a user's tool from source", bi("example.com/m/cmd/mytool", "example.com/m", "(devel)"), true, "go run ./cmd/mytool"},
		{"a main at the module root", bi("example.com/m", "example.com/m", "(devel)"), true, "go run ."},
		{"installed at a version", bi("example.com/m/cmd/mytool", "example.com/m", "v1.2.0"), true, "go run example.com/m/cmd/mytool@v1.2.0"},
		{"a test binary", bi("example.com/m/pkg.test", "example.com/m", "(devel)"), true, env.DefaultCommand},
		{"no build info", nil, false, env.DefaultCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, commandFrom(tt.bi, tt.ok))
		})
	}
}

// lineWriter passes each write on to a channel.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// Off a terminal, run prints a progress line at each tick of its ticker
// (every WithProgressInterval). The ticker is the test's, and the first
// run of the exploration waits until the tick's line is out: no timing.
func TestRunProgressOffATerminal(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	slow := env.Scenario{
		Name: "slow", Summary: "its first run waits for the test", Platforms: []env.Platform{env.Tasks},
		Run: func(env.Env) error {
			once.Do(func() { close(started); <-release })
			return nil
		},
	}
	ticks := make(chan time.Time)
	var interval time.Duration
	fake := optionFunc(func(t *tool) {
		t.ticker = func(d time.Duration) (<-chan time.Time, func()) { interval = d; return ticks, func() {} }
	})
	stderr := make(lineWriter, 4)
	var stdout bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Run(context.Background(), []string{"run", "-seeds", "3", "-strategy", "random", "slow"}, &stdout, stderr,
			WithoutBuiltins(), WithScenarios(slow), WithProgressInterval(time.Minute), fake)
	}()
	<-started
	ticks <- time.Time{}
	assert.Regexp(t, `^tracebed: progress: [0-2]/3 runs  slow on tasks \(random\)\n$`, <-stderr)
	close(release)
	require.Equal(t, 0, <-done, stdout.String())
	assert.Equal(t, time.Minute, interval)
	assert.Empty(t, stderr, "no line without a tick, none after the run")
	assert.Contains(t, stdout.String(), "SCENARIO")

	// WithProgressInterval(0): no ticker, no line.
	code, _, errOut := callWith([]Option{WithProgressInterval(0), optionFunc(func(t *tool) { t.ticker = nil })}, "run", "-seeds", "2", "-strategy", "random", "-platform", "tasks", "clientserver")
	assert.Equal(t, 0, code)
	assert.Empty(t, errOut)
}
