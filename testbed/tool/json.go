package tool

import (
	"encoding/json"
	"io"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/testbed/env"
)

// The -json objects, one a line. Their fields are documented in
// cmd/tracebed's doc.go: keep the two in step.

// listJSON is a row of list -json: a scenario, a broken variant, a
// platform or a strategy, told apart by Kind.
type listJSON struct {
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Summary     string   `json:"summary"`
	Platforms   []string `json:"platforms,omitempty"`
	Propagation string   `json:"propagation,omitempty"`
	Real        bool     `json:"real,omitempty"`
}

// rowJSON is a row of run -json: one exploration.
type rowJSON struct {
	Scenario  string       `json:"scenario"`
	Platform  string       `json:"platform"`
	Strategy  string       `json:"strategy"`
	Runs      int          `json:"runs"`
	Distinct  int          `json:"distinct"`
	Failures  int          `json:"failures"`
	PCTK      int          `json:"pct_k,omitempty"`
	ElapsedMS int64        `json:"elapsed_ms"`
	Cut       bool         `json:"cut"`
	Broken    bool         `json:"broken"`
	OK        bool         `json:"ok"`
	First     *failureJSON `json:"first_failure,omitempty"`
}

// failureJSON is a failing run: how to replay it and what failed.
type failureJSON struct {
	Seed     *uint64 `json:"seed,omitempty"`
	Schedule string  `json:"schedule"`
	Error    string  `json:"error"`
	Replay   string  `json:"replay"`
}

// replayJSON is replay -json's object: one run.
type replayJSON struct {
	Scenario string       `json:"scenario"`
	Platform string       `json:"platform"`
	Strategy string       `json:"strategy,omitempty"`
	Seed     *uint64      `json:"seed,omitempty"`
	Schedule string       `json:"schedule"`
	Passed   bool         `json:"passed"`
	Failure  *failureJSON `json:"failure,omitempty"`
	Timeline string       `json:"timeline"`
	Spans    []spanJSON   `json:"spans"`
	Files    []fileJSON   `json:"files,omitempty"`
}

// spanJSON is a finished span of a replayed run.
type spanJSON struct {
	TraceID   uint64         `json:"trace_id"`
	SpanID    uint64         `json:"span_id"`
	ParentID  uint64         `json:"parent_id"`
	Operation string         `json:"operation"`
	Tags      map[string]any `json:"tags,omitempty"`
	Start     time.Time      `json:"start"`
	Finish    time.Time      `json:"finish"`
	Finishes  int            `json:"finishes"`
}

// fileJSON is an export replay wrote.
type fileJSON struct {
	Format string `json:"format"`
	Path   string `json:"path"`
}

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// failureObject is f as JSON, nil for no failure.
func failureObject(f *env.Failure) *failureJSON {
	if f == nil {
		return nil
	}
	out := &failureJSON{Schedule: f.Schedule, Error: f.Err.Error(), Replay: f.ReplayCommand()}
	if f.Strategy != env.DFS && !f.FromSchedule {
		seed := f.Seed
		out.Seed = &seed
	}
	return out
}

// rowObject is an exploration's row as JSON.
func rowObject(st env.Stats, broken bool) rowJSON {
	return rowJSON{
		Scenario: st.Scenario, Platform: st.Platform, Strategy: string(st.Strategy),
		Runs: st.Runs, Distinct: st.Distinct, Failures: st.Failures, PCTK: st.K,
		ElapsedMS: st.Elapsed.Milliseconds(), Cut: st.Cut, Broken: broken,
		OK: (st.Failures > 0) == broken, First: failureObject(st.First),
	}
}

// replayObject is a replayed run as JSON.
func replayObject(out env.Outcome, cfg env.Config, f *env.Failure, files []fileJSON) replayJSON {
	r := replayJSON{
		Scenario: out.Scenario, Platform: out.Platform, Schedule: out.Schedule,
		Passed: f == nil, Failure: failureObject(f), Timeline: out.Timeline(),
		Spans: spansObject(out.Spans), Files: files,
	}
	if cfg.Schedule == "" {
		seed := cfg.Seed
		r.Strategy, r.Seed = string(cfg.Strategy), &seed
	}
	return r
}

func spansObject(spans []*mocktracer.SpanRecord) []spanJSON {
	out := make([]spanJSON, 0, len(spans))
	for _, s := range spans {
		out = append(out, spanJSON{
			TraceID: s.TraceID, SpanID: s.SpanID, ParentID: s.ParentID, Operation: s.Operation,
			Tags: s.Tags, Start: s.Start, Finish: s.Finish, Finishes: s.Finishes,
		})
	}
	return out
}

// platformNames are the names of ps.
func platformNames(ps []env.Platform) []string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names
}
