package tool

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Use go test -update to rewrite the golden files in testdata/.
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestMain(m *testing.M) {
	// The signal test runs the tool in a child: this binary, as main.
	if os.Getenv("TRACEBED_TEST_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}

// SIGINT during a long run stops it cleanly: the partial table, the row
// in progress marked as cut short, exit status 130.
func TestRunInterrupted(t *testing.T) {
	cmd := exec.Command(os.Args[0], "run", "-seeds", "100000000", "-strategy", "random", "-platform", "tasks", "clientserver")
	cmd.Env = append(os.Environ(), "TRACEBED_TEST_MAIN=1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	// The child is exploring once it has run for a moment; the signal
	// then lands mid-row whatever the machine's speed (1e8 seeds).
	time.Sleep(500 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	_, _ = io.Copy(io.Discard, stderr)
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stdout:\n%s", stdout.String())
	assert.Equal(t, 130, exit.ExitCode())
	out := stdout.String()
	assert.Contains(t, out, "SCENARIO")
	assert.Regexp(t, `clientserver\s+tasks\s+random\s+\d+.*\(cut short\)`, out)
	assert.Contains(t, out, "interrupted: the table is partial")
}

func TestRunSeedsPastTheLargest(t *testing.T) {
	code, _, stderr := call("run", "-seeds", "2", "-first-seed", "18446744073709551615", "clientserver")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "passes the largest seed")
	code, _, _ = call("run", "-seeds", "1", "-strategy", "random", "-platform", "tasks", "-first-seed", "18446744073709551615", "clientserver")
	assert.Equal(t, 0, code, "the largest seed itself runs")
}

func TestVersion(t *testing.T) {
	code, out, _ := call("version")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "github.com/tracebed/tracebed"), out)
}

// run runs the tool with the built-in scenarios only.
func run(args []string, stdout, stderr io.Writer, opts ...Option) int {
	return Run(context.Background(), args, stdout, stderr, opts...)
}

// call runs the command line and returns its exit status and output.
func call(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func TestBadUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
		{"unknown scenario", []string{"run", "nosuchscenario"}},
		{"bad seeds", []string{"run", "-seeds", "0"}},
		{"seeds not a number", []string{"run", "-seeds", "many"}},
		{"bad shard", []string{"run", "-shard", "3/2"}},
		{"shard not i/n", []string{"run", "-shard", "x"}},
		{"unknown platform", []string{"run", "-platform", "threads"}},
		{"unknown strategy", []string{"run", "-strategy", "bfs"}},
		{"unknown flag", []string{"run", "-frob"}},
		{"list with args", []string{"list", "x"}},
		{"replay without scenario", []string{"replay", "-seed", "1"}},
		{"replay unknown scenario", []string{"replay", "-scenario", "nope"}},
		{"replay bad seed", []string{"replay", "-scenario", "clientserver", "-seed", "-1"}},
		{"replay unknown variant", []string{"replay", "-scenario", "clientserver/nope"}},
		{"replay bad schedule", []string{"replay", "-scenario", "clientserver", "-schedule", "!!"}},
		{"replay dfs without schedule", []string{"replay", "-scenario", "clientserver", "-strategy", "dfs", "-seed", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := call(tt.args...)
			assert.Equal(t, 2, code, "exit status of %q", tt.args)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "want one line on stderr, got %q", stderr)
		})
	}
}

func TestList(t *testing.T) {
	code, out, _ := call("list")
	require.Equal(t, 0, code)
	for _, want := range []string{"clientserver", "clientserver/noextract", "goroutines", "stackcontext", "pct"} {
		assert.Contains(t, out, want)
	}
}

func TestRunPasses(t *testing.T) {
	code, out, stderr := call("run", "-seeds", "20", "clientserver")
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	assert.Contains(t, out, "SCENARIO")
	assert.Regexp(t, `total\s+3\d\d\s+0`, out)
}

func TestRunShardsCoverTheSeeds(t *testing.T) {
	total := 0
	for _, shard := range []string{"0/3", "1/3", "2/3"} {
		code, out, _ := call("run", "-seeds", "10", "-strategy", "random", "-platform", "tasks", "-shard", shard, "clientserver")
		require.Equal(t, 0, code)
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) >= 4 && f[0] == "clientserver" {
				n := 0
				for _, c := range f[3] {
					n = n*10 + int(c-'0')
				}
				total += n
			}
		}
	}
	assert.Equal(t, 10, total, "the three shards together run every seed once")
}

func TestRunBrokenIsCaught(t *testing.T) {
	code, out, _ := call("run", "-broken", "-seeds", "50", "clientserver")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "caught clientserver/noextract")
	assert.Contains(t, out, "go run ./cmd/tracebed replay -scenario clientserver/noextract")
}

func TestReplayIsByteIdentical(t *testing.T) {
	code1, out1, _ := call("replay", "-scenario", "clientserver", "-platform", "tasks", "-seed", "7")
	code2, out2, _ := call("replay", "-scenario", "clientserver", "-platform", "tasks", "-seed", "7")
	require.Equal(t, 0, code1)
	require.Equal(t, 0, code2)
	assert.Equal(t, out1, out2)
	golden(t, "replay_clientserver_tasks_7", out1)
}

func TestReplayOfAFailureFails(t *testing.T) {
	_, out, _ := call("run", "-broken", "-seeds", "50", "-strategy", "random", "clientserver")
	i := strings.Index(out, "go run ./cmd/tracebed replay ")
	require.GreaterOrEqual(t, i, 0, out)
	line, _, _ := strings.Cut(out[i:], "\n")
	args := strings.Fields(strings.TrimPrefix(line, "go run ./cmd/tracebed "))
	code, replayed, _ := call(args...)
	assert.Equal(t, 1, code, "replaying a failing seed must fail again")
	assert.Contains(t, replayed, "FAIL:")

	// And the schedule it prints replays it too.
	j := strings.Index(replayed, "schedule: ")
	require.GreaterOrEqual(t, j, 0)
	schedule, _, _ := strings.Cut(replayed[j+len("schedule: "):], "\n")
	code, again, _ := call("replay", "-scenario", "clientserver/noextract", "-schedule", schedule)
	assert.Equal(t, 1, code, again)
}

func TestReplayChrome(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) []byte {
		path := filepath.Join(dir, name)
		code, out, errOut := call("replay", "-scenario", "clientserver", "-platform", "tasks", "-seed", "7", "-chrome", path)
		require.Equal(t, 0, code, errOut)
		assert.True(t, strings.HasSuffix(out, "ok\nchrome: "+path+"\n"), out)
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		return raw
	}
	first, second := write("a.json"), write("b.json")
	assert.Equal(t, first, second, "the same seed writes the same bytes")

	var doc struct {
		TraceEvents []struct {
			Name  string         `json:"name"`
			Phase string         `json:"ph"`
			Cat   string         `json:"cat"`
			TID   int            `json:"tid"`
			Args  map[string]any `json:"args"`
		} `json:"traceEvents"`
	}
	require.NoError(t, json.Unmarshal(first, &doc))
	threads := map[int]any{}
	var spans []string
	flows := 0
	for _, e := range doc.TraceEvents {
		if e.Phase == "M" && e.Name == "thread_name" && e.TID < 100 {
			threads[e.TID] = e.Args["name"]
		}
		if e.Cat == "span" {
			spans = append(spans, fmt.Sprintf("%s %v/%v %s", e.Phase, e.Args["start_task"], e.Args["finish_task"], e.Name))
		}
		if e.Phase == "f" && e.Cat == "child_of" {
			flows++
		}
	}
	assert.Equal(t, map[int]any{0: "scheduler", 1: "task 0 root", 2: "task 1 server"}, threads)
	assert.Equal(t, []string{"X 0/0 send", "X 1/1 receive"}, spans, "each span a slice of the task that started it")
	assert.Equal(t, 1, flows, "receive is a child of send: one flow arrow")

	code, _, errOut := call("replay", "-scenario", "clientserver", "-platform", "tasks", "-seed", "7", "-chrome", filepath.Join(dir, "no", "such", "dir.json"))
	assert.Equal(t, 2, code, "an output path that cannot be written is a usage error, before the run")
	assert.Contains(t, errOut, "tracebed: ")
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"run", "replay"} {
		for _, h := range []string{"-h", "-help"} {
			code, out, errOut := call(cmd, h)
			assert.Equal(t, 0, code, "%s %s", cmd, h)
			assert.Empty(t, errOut)
			assert.True(t, strings.HasPrefix(out, "usage: tracebed "+cmd+" "), out)
			assert.Contains(t, out, "-seed")
		}
	}
	code, out, _ := call("run", "-h")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "(default 300)")
	assert.Contains(t, out, "-shard")

	code, out, _ = call("help")
	assert.Equal(t, 0, code)
	for _, want := range []string{"list", "run", "replay", "tracebed <command> -h"} {
		assert.Contains(t, out, want)
	}
}

func TestReplayNeedsASeedOrASchedule(t *testing.T) {
	code, out, errOut := call("replay", "-scenario", "clientserver", "-platform", "tasks")
	assert.Equal(t, 2, code, out)
	assert.Empty(t, out)
	assert.Equal(t, "tracebed: usage: replay needs -seed N or -schedule S\n", errOut)

	code, _, errOut = call("replay", "-scenario", "clientserver", "-seed", "1", "-schedule", "1:0_7.")
	assert.Equal(t, 2, code)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)

	code, out, _ = call("replay", "-scenario", "clientserver", "-platform", "tasks", "-seed", "0")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "clientserver on tasks, random seed 0\n"), out)
}

// rows returns the table rows of run's output: scenario, platform,
// strategy and runs of each.
func rows(out string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 7 && f[0] != "SCENARIO" {
			rows = append(rows, f[:4])
		}
	}
	return rows
}

// DFS is one search, run on shard 0 only: the other shards schedule no
// DFS job, so no row with 0 runs counts as a broken variant missed.
func TestRunShardsRunDFSOnShardZeroOnly(t *testing.T) {
	dfsRows := 0
	for _, shard := range []string{"0/2", "1/2"} {
		code, out, errOut := call("run", "-broken", "-seeds", "40", "-shard", shard, "latespan")
		assert.Equal(t, 0, code, "-shard %s: every variant must be caught\n%s%s", shard, out, errOut)
		assert.NotContains(t, out, "found no failure")
		for _, r := range rows(out) {
			assert.NotEqual(t, "0", r[3], "-shard %s: a row with no runs: %v", shard, r)
			if r[2] == "dfs" {
				dfsRows++
				assert.Equal(t, "0/2", shard, "dfs ran on shard %s", shard)
			}
		}
	}
	assert.Positive(t, dfsRows, "shard 0 runs dfs")

	code, out, errOut := call("run", "-strategy", "dfs", "-shard", "1/2", "latespan")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, "nothing to run on shard 1/2: dfs runs on shard 0 only\n", out)

	// Fewer seeds than shards: the empty shard says so instead of
	// printing rows with no runs (which -broken counted as misses).
	code, out, errOut = call("run", "-broken", "-seeds", "1", "-shard", "1/2", "latespan/finishonclose")
	assert.Equal(t, 0, code, "%s%s", out, errOut)
	assert.Equal(t, "nothing to run on shard 1/2: -seeds 1 leaves it no seed\n", out)
}

func TestScenarioNames(t *testing.T) {
	// A trailing slash names the scenario itself.
	code, out, errOut := call("run", "-seeds", "5", "-strategy", "random", "-platform", "tasks", "clientserver/")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, [][]string{{"clientserver", "tasks", "random", "5"}}, rows(out))
	code, out, errOut = call("replay", "-scenario", "clientserver/", "-platform", "tasks", "-seed", "7")
	assert.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "clientserver on tasks, random seed 7\n"), out)

	// -broken with a variant named runs that variant alone.
	code, out, errOut = call("run", "-broken", "-seeds", "40", "latespan/earlydone")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, [][]string{
		{"latespan/earlydone", "tasks", "random", "40"},
		{"latespan/earlydone", "tasks", "pct", "40"},
	}, rows(out)[:2])
	for _, r := range rows(out) {
		assert.Equal(t, "latespan/earlydone", r[0])
	}
	assert.Contains(t, out, "caught latespan/earlydone on tasks (random)")
}

// A DFS failure replays from its schedule, and the replay says so: no
// seed (that would be a different, passing run) in its header or in the
// replay command it prints.
func TestReplayOfADFSFailureNamesItsSchedule(t *testing.T) {
	_, out, _ := call("run", "-broken", "-strategy", "dfs", "-seeds", "50", "latespan/leaky")
	i := strings.Index(out, "go run ./cmd/tracebed replay ")
	require.GreaterOrEqual(t, i, 0, out)
	line, _, _ := strings.Cut(out[i:], "\n")
	require.Contains(t, line, " -schedule ")
	schedule := line[strings.LastIndex(line, " ")+1:]
	args := strings.Fields(strings.TrimPrefix(line, "go run ./cmd/tracebed "))
	code, replayed, _ := call(args...)
	assert.Equal(t, 1, code, replayed)
	assert.True(t, strings.HasPrefix(replayed, "latespan/leaky on tasks, schedule "+schedule+"\n"), replayed)
	assert.Contains(t, replayed, "FAIL: latespan/leaky on tasks, schedule "+schedule+": ")
	assert.Contains(t, replayed, "\nreplay: "+line+"\n")
	assert.NotContains(t, replayed, "seed")
}
