package tool

import (
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeAll decodes every JSON object of out into T, refusing a field T
// does not document.
func decodeAll[T any](t *testing.T, out string) []T {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var all []T
	for {
		var v T
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return all
		}
		require.NoError(t, err, out)
		all = append(all, v)
	}
}

// The documented fields of each -json object (cmd/tracebed's doc.go),
// written out here so that a field added or renamed without its doc fails.
type (
	listRow struct {
		Kind        string   `json:"kind"`
		Name        string   `json:"name"`
		Summary     string   `json:"summary"`
		Platforms   []string `json:"platforms"`
		Propagation string   `json:"propagation"`
		Real        bool     `json:"real"`
	}
	failureRow struct {
		Seed     *uint64 `json:"seed"`
		Schedule string  `json:"schedule"`
		Error    string  `json:"error"`
		Replay   string  `json:"replay"`
	}
	runRow struct {
		Scenario  string      `json:"scenario"`
		Platform  string      `json:"platform"`
		Strategy  string      `json:"strategy"`
		Runs      int         `json:"runs"`
		Distinct  int         `json:"distinct"`
		Failures  int         `json:"failures"`
		PCTK      int         `json:"pct_k"`
		ElapsedMS int64       `json:"elapsed_ms"`
		Cut       bool        `json:"cut"`
		Broken    bool        `json:"broken"`
		OK        bool        `json:"ok"`
		First     *failureRow `json:"first_failure"`
	}
	replayRow struct {
		Scenario string      `json:"scenario"`
		Platform string      `json:"platform"`
		Strategy string      `json:"strategy"`
		Seed     *uint64     `json:"seed"`
		Schedule string      `json:"schedule"`
		Passed   bool        `json:"passed"`
		Failure  *failureRow `json:"failure"`
		Timeline string      `json:"timeline"`
		Spans    []struct {
			TraceID   uint64         `json:"trace_id"`
			SpanID    uint64         `json:"span_id"`
			ParentID  uint64         `json:"parent_id"`
			Operation string         `json:"operation"`
			Tags      map[string]any `json:"tags"`
			Start     string         `json:"start"`
			Finish    string         `json:"finish"`
			Finishes  int            `json:"finishes"`
		} `json:"spans"`
		Files []struct {
			Format string `json:"format"`
			Path   string `json:"path"`
		} `json:"files"`
	}
)

func TestListJSON(t *testing.T) {
	code, out, _ := call("list", "-json")
	require.Equal(t, 0, code)
	kinds := map[string][]string{}
	for _, r := range decodeAll[listRow](t, out) {
		assert.NotEmpty(t, r.Summary, r.Name)
		kinds[r.Kind] = append(kinds[r.Kind], r.Name)
	}
	assert.Contains(t, kinds["scenario"], "clientserver")
	assert.Contains(t, kinds["variant"], "clientserver/noextract")
	assert.Contains(t, kinds["platform"], "goroutines")
	assert.Equal(t, []string{"random", "pct", "dfs"}, kinds["strategy"])
	assert.Len(t, kinds, 4)
}

func TestRunJSON(t *testing.T) {
	code, out, errOut := call("run", "-json", "-broken", "-seeds", "40", "clientserver/noextract")
	require.Equal(t, 0, code, errOut)
	rows := decodeAll[runRow](t, out)
	require.Len(t, rows, 3, "a row a strategy")
	for _, r := range rows {
		assert.Equal(t, "clientserver/noextract", r.Scenario)
		assert.True(t, r.Broken)
		assert.True(t, r.OK, "the variant is caught")
		require.NotNil(t, r.First, r.Strategy)
		assert.True(t, strings.HasPrefix(r.First.Replay, "go run ./cmd/tracebed replay -scenario clientserver/noextract "), r.First.Replay)
		assert.NotEmpty(t, r.First.Schedule)
		assert.Equal(t, r.Strategy == "dfs", r.First.Seed == nil, "a dfs failure has a schedule, no seed")
		assert.Equal(t, r.Strategy == "pct", r.PCTK > 0, "only a pct row has a k")
	}

	// A failing row: not ok, and the exit status says so.
	code, out, _ = call("run", "-json", "-seeds", "40", "-strategy", "random", "latespan/earlydone")
	assert.Equal(t, 1, code)
	rows = decodeAll[runRow](t, out)
	require.Len(t, rows, 1)
	assert.False(t, rows[0].OK)
	assert.Equal(t, 40, rows[0].Runs)

	// Remarks go to stderr, so stdout stays JSON.
	code, out, errOut = call("run", "-json", "-strategy", "dfs", "-shard", "1/2", "latespan")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "nothing to run on shard 1/2")
}

func TestReplayJSON(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "run.svg")
	code, out, errOut := call("replay", "-json", "-scenario", "latespan/earlydone", "-seed", "0", "-svg", svg)
	require.Equal(t, 1, code, errOut)
	rows := decodeAll[replayRow](t, out)
	require.Len(t, rows, 1)
	r := rows[0]
	assert.Equal(t, "latespan/earlydone", r.Scenario)
	assert.Equal(t, "random", r.Strategy)
	require.NotNil(t, r.Seed)
	assert.Equal(t, uint64(0), *r.Seed)
	assert.False(t, r.Passed)
	require.NotNil(t, r.Failure)
	assert.Equal(t, "go run ./cmd/tracebed replay -scenario latespan/earlydone -platform tasks -strategy random -seed 0", r.Failure.Replay)
	assert.Equal(t, r.Schedule, r.Failure.Schedule)
	assert.NotEmpty(t, r.Timeline)
	assert.NotEmpty(t, r.Spans)
	require.Len(t, r.Files, 1)
	assert.Equal(t, "svg", r.Files[0].Format)
	assert.Equal(t, svg, r.Files[0].Path)

	// Replaying its schedule: the same run, with no seed.
	code, again, _ := call("replay", "-json", "-scenario", "latespan/earlydone", "-schedule", r.Schedule)
	require.Equal(t, 1, code)
	a := decodeAll[replayRow](t, again)[0]
	assert.Nil(t, a.Seed)
	assert.Empty(t, a.Strategy)
	assert.Equal(t, r.Timeline, a.Timeline)
	assert.Equal(t, r.Failure.Error, a.Failure.Error)

	code, out, _ = call("replay", "-json", "-scenario", "clientserver", "-platform", "tasks", "-seed", "7")
	require.Equal(t, 0, code)
	ok := decodeAll[replayRow](t, out)[0]
	assert.True(t, ok.Passed)
	assert.Nil(t, ok.Failure)
	assert.Len(t, ok.Spans, 2)
}
