package view

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// chromeStep is the width of a step on the Chrome trace's time axis, in
// microseconds: events of one step sit inside it, in order.
const chromeStep = 10

// Thread ids of the Chrome trace: the scheduler's decisions, one thread
// per task (task id + 1), and the span tracks of each task after them.
const (
	chromeSchedTID = 0
	chromeSpanTID  = 100000 // + task*100 + row
)

// ChromeEvent is one entry of the Chrome trace-event format (its field
// names are the format's).
type ChromeEvent struct {
	Name      string         `json:"name"`
	Cat       string         `json:"cat,omitempty"`
	Phase     string         `json:"ph"`
	TS        int64          `json:"ts"`
	Dur       *int64         `json:"dur,omitempty"`
	PID       int            `json:"pid"`
	TID       int            `json:"tid"`
	ID        string         `json:"id,omitempty"`
	Scope     string         `json:"s,omitempty"`
	BindPoint string         `json:"bp,omitempty"`
	Args      map[string]any `json:"args,omitempty"`
}

// chromeDoc is the JSON object form of the format.
type chromeDoc struct {
	TraceEvents     []ChromeEvent  `json:"traceEvents"`
	DisplayTimeUnit string         `json:"displayTimeUnit"`
	OtherData       map[string]any `json:"otherData"`
}

// WriteChrome writes the run in the Chrome trace-event JSON format, which
// Perfetto (ui.perfetto.dev) and chrome://tracing open:
//
//   - the time axis is the step: step n spans [10n, 10n+10) µs, since
//     virtual time stands still while tasks run; every event carries its
//     virtual time and step in args;
//   - process_name and thread_name metadata name the run, a thread per task
//     ("task 2 worker") and one per row of its spans ("task 2 worker:
//     spans"), and a "scheduler" thread for the decisions;
//   - an X slice "run" for each stretch a task runs, an X slice per span
//     on the span thread of the task that started it (args: ids, tags,
//     logs, the tasks that started and finished it);
//   - flow events (s, then f bound to the enclosing slice with "bp":"e")
//     for each reference between spans (cat "child_of" or
//     "follows_from"), for a span finished in another task than the one
//     that started it (cat "finish"), for each channel send → receive (cat
//     "chan") and future resolve → get (cat "future");
//   - instants for decisions, the marks that decide a run (select cases,
//     Done, Get, Yield, notes, panics) and, global, the failure.
func WriteChrome(w io.Writer, r *Run) error {
	c := chromeBuilder{r: r}
	c.build()
	return writeJSON(w, chromeDoc{TraceEvents: c.evs, DisplayTimeUnit: "ns", OtherData: map[string]any{
		"title": r.Title, "time_axis": "step n is [10n, 10n+10) µs; args.vtime is the virtual time",
	}})
}

type chromeBuilder struct {
	r      *Run
	evs    []ChromeEvent
	flows  int
	spanAt map[uint64][2]int64 // span id -> tid, ts
	spanTo map[uint64]int64    // span id -> end ts
}

func dur(d int64) *int64 { return &d }

func stepTS(step int) int64 { return int64(step) * chromeStep }

func (c *chromeBuilder) add(e ChromeEvent) { e.PID = 1; c.evs = append(c.evs, e) }

func (c *chromeBuilder) meta(name string, tid int, value any) {
	c.add(ChromeEvent{Name: name, Phase: "M", TID: tid, Args: map[string]any{"name": value}})
}

func (c *chromeBuilder) build() {
	r := c.r
	c.add(ChromeEvent{Name: "process_name", Phase: "M", Args: map[string]any{"name": "tracebed: " + r.Title}})
	c.meta("thread_name", chromeSchedTID, "scheduler")
	c.add(ChromeEvent{Name: "thread_sort_index", Phase: "M", TID: chromeSchedTID, Args: map[string]any{"sort_index": 0}})
	for _, t := range r.Tasks {
		tid := t.ID + 1
		c.meta("thread_name", tid, "task "+t.Label())
		c.add(ChromeEvent{Name: "thread_sort_index", Phase: "M", TID: tid, Args: map[string]any{"sort_index": 2 * (t.ID + 1)}})
		for _, st := range t.Running {
			c.add(ChromeEvent{Name: "run", Cat: "task", Phase: "X", TS: stepTS(st.From), Dur: dur(stepTS(st.To-st.From) + chromeStep - 1), TID: tid,
				Args: map[string]any{"from_step": st.From, "to_step": st.To}})
		}
	}
	for _, d := range r.Decisions {
		c.add(ChromeEvent{Name: d.String(), Cat: "decision", Phase: "i", Scope: "t", TS: stepTS(d.Step) + 1, TID: chromeSchedTID,
			Args: map[string]any{"step": d.Step, "vtime": d.At.String(), "kind": d.Kind}})
	}
	for _, m := range r.Marks {
		if m.Task < 0 || !decidingMark(m) {
			continue
		}
		c.add(ChromeEvent{Name: m.Text, Cat: m.Kind, Phase: "i", Scope: "t", TS: stepTS(m.Step) + 5, TID: m.Task + 1,
			Args: map[string]any{"step": m.Step, "vtime": m.At.String()}})
	}
	c.spans()
	for _, e := range r.Edges {
		if e.From.Task < 0 || e.To.Task < 0 {
			continue
		}
		c.flow(string(e.Kind), e.Obj, e.From.Task+1, stepTS(e.From.Step)+5, e.To.Task+1, stepTS(e.To.Step)+5)
	}
	if f := r.Failure; f != nil {
		c.add(ChromeEvent{Name: "FAILED: " + firstLine(f.Message), Cat: "failure", Phase: "i", Scope: "g", TS: stepTS(f.Step) + 9, TID: max(f.Task, -1) + 1,
			Args: map[string]any{"step": f.Step, "vtime": f.At.String(), "task": f.Task, "message": f.Message}})
	}
}

// spans lays the spans out on rows of their start task that never
// overlap (X slices on one thread must nest), then draws the references.
func (c *chromeBuilder) spans() {
	r := c.r
	c.spanAt, c.spanTo = map[uint64][2]int64{}, map[uint64]int64{}
	rowEnd := map[int][]int{} // task -> last finish step per row
	named := map[int]bool{}
	for _, s := range r.Spans {
		task := max(s.Start.Task, 0)
		ends := rowEnd[task]
		row := -1
		for i, e := range ends {
			if e < s.Start.Step {
				row = i
				break
			}
		}
		if row < 0 {
			row = len(ends)
			ends = append(ends, 0)
		}
		ends[row] = max(s.Finish.Step, s.Start.Step)
		rowEnd[task] = ends
		tid := chromeSpanTID + task*100 + row
		if !named[tid] {
			named[tid] = true
			name := fmt.Sprintf("task %d: spans", task)
			if row > 0 {
				name = fmt.Sprintf("task %d: spans %d", task, row+1)
			}
			c.meta("thread_name", tid, name)
			c.add(ChromeEvent{Name: "thread_sort_index", Phase: "M", TID: tid, Args: map[string]any{"sort_index": 2*(task+1) + 1}})
		}
		ts := stepTS(s.Start.Step) + 2
		end := stepTS(max(s.Finish.Step, s.Start.Step)) + 8
		c.spanAt[s.SpanID], c.spanTo[s.SpanID] = [2]int64{int64(tid), ts}, end
		args := map[string]any{
			"span_id": strconv.FormatUint(s.SpanID, 10), "trace_id": strconv.FormatUint(s.TraceID, 10),
			"start_step": s.Start.Step, "finish_step": s.Finish.Step, "start_task": s.Start.Task, "finish_task": s.Finish.Task,
			"start_vtime": s.Start.At.String(), "finish_vtime": s.Finish.At.String(), "finished": s.Finished,
		}
		for _, t := range s.Tags {
			args["tag."+t.Key] = t.Value
		}
		for i, lg := range s.Logs {
			args[fmt.Sprintf("log.%d", i)] = logText(lg)
		}
		c.add(ChromeEvent{Name: s.Operation, Cat: "span", Phase: "X", TS: ts, Dur: dur(end - ts), TID: tid, Args: args})
		if s.Finished && s.Finish.Task >= 0 && s.Finish.Task != s.Start.Task {
			c.flow("finish", "finish "+s.Label(), tid, end-1, s.Finish.Task+1, stepTS(s.Finish.Step)+5)
		}
	}
	for _, s := range r.Spans {
		for _, ref := range s.Refs {
			at, ok := c.spanAt[ref.SpanID]
			if !ok {
				continue
			}
			child := c.spanAt[s.SpanID]
			ts := min(max(child[1], at[1]), c.spanTo[ref.SpanID]-1)
			cat := map[RefType]string{ChildOf: "child_of", FollowsFrom: "follows_from"}[ref.Type]
			c.flow(cat, fmt.Sprintf("#%d → #%d", ref.SpanID, s.SpanID), int(at[0]), ts, int(child[0]), child[1])
		}
	}
}

// flow adds a flow arrow from a slice of one thread to a slice of another.
func (c *chromeBuilder) flow(cat, name string, fromTID int, fromTS int64, toTID int, toTS int64) {
	c.flows++
	id := strconv.Itoa(c.flows)
	c.add(ChromeEvent{Name: name, Cat: cat, Phase: "s", ID: id, TS: fromTS, TID: fromTID})
	c.add(ChromeEvent{Name: name, Cat: cat, Phase: "f", BindPoint: "e", ID: id, TS: toTS, TID: toTID})
}

// writeJSON writes v indented, so that a diff of two exports reads line by
// line.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(v)
}

// logText renders a log record as "+1ms event=done job=2".
func logText(lg Log) string {
	s := "+" + lg.At.String()
	for _, f := range lg.Fields {
		s += " " + f.Key + "=" + f.Value
	}
	return s
}
