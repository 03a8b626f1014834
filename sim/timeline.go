package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// laneWidth bounds the width of a timeline lane; longer text is cut.
const laneWidth = 22

// Timeline renders the trace as text with one lane (column) per task, and
// one row per event: spawns, blocks, operations (among them the ones that
// usually decide a run: "done waitgroup#3", "got future#2" when a Get
// returns, "yield"), the case a select went on with ("select 1/3 recv
// chan#2": case 1 of 3), exits, panics, timers, a
// "▶" where a task starts running after another, a note ([Sim.Logf]) as
// "·" and an interval opening and closing ([Sim.Begin], [Sim.End]) as "┌"
// and "└", each with its text in full, running on over the (empty) lanes
// to its right. The first column holds the scheduling decisions: "run 2 (1
// of 3)" says the strategy picked task 2, option 1 of the 3 runnable tasks;
// other kinds (select, timer, rand, cond) read "select 0 of 2"; a decision shares
// the row of the event it led to. Each lane is as wide as its widest cell,
// up to a bound.
//
//	step time   | decision       | 0 root  | 1 worker
//	   1 +0s    |                | ▶       |
//	   1 +0s    |                | spawn 1 |
//	   3 +0s    | run 1 (1 of 2) |         | ▶
//	   3 +0s    |                |         | · the worker starts
func (tr *Trace) Timeline() string {
	type row struct {
		step int
		at   time.Duration
		lane int // a task's id, -1 for the timers lane, decisionLane
		text string
		note string
	}
	const decisionLane = -2
	var rows []row
	hasTimers := false
	for _, e := range tr.events {
		r := row{step: e.Step, at: e.At, lane: e.Task}
		switch e.Kind {
		case EvDecide:
			r.lane = decisionLane
			if e.Text == KindTask.String() {
				r.text = fmt.Sprintf("run %d (%d of %d)", e.Obj, e.Arg, e.N)
			} else {
				r.text = fmt.Sprintf("%s %d of %d", e.Text, e.Arg, e.N)
			}
		case EvRun:
			r.text = "▶"
		case EvSpawn:
			r.text = fmt.Sprintf("spawn %d", e.Arg)
			if e.Task < 0 {
				continue // the root, or a task started by a timer (shown by its ▶)
			}
		case EvExit:
			r.text = "exit"
		case EvOp:
			r.text = strings.TrimSpace(e.Text + " " + e.On)
		case EvSelect:
			r.text = "select " + selectText(e)
		case EvBlock:
			r.text = e.Text
			if e.On != "" {
				r.text += " " + e.On
			} else if e.Text == "sleep" {
				r.text += fmt.Sprintf(" →+%v", time.Duration(e.Arg))
			}
		case EvTimer:
			r.text = fmt.Sprintf("timer %d", e.Arg)
			hasTimers = true
		case EvPanic:
			r.text = "PANIC " + e.Text
		case EvNote:
			r.text, r.note = "·", e.Text
			if e.Task < 0 {
				hasTimers = true
			}
		case EvBegin, EvEnd:
			r.text, r.note = "┌", intervalLabel(e)
			if e.Kind == EvEnd {
				r.text = "└"
			}
			if e.Task < 0 {
				hasTimers = true
			}
		default:
			r.text = e.Kind.String()
		}
		rows = append(rows, r)
	}
	// Columns: decisions, then timers if any fired, then one per task.
	header := []string{"decision"}
	if hasTimers {
		header = append(header, "timers")
	}
	for _, t := range tr.tasks {
		header = append(header, fmt.Sprintf("%d %s", t.ID, t.Name))
	}
	col := func(lane int) int {
		switch {
		case lane == decisionLane:
			return 0
		case hasTimers:
			return lane + 2
		}
		return lane + 1
	}
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = min(utf8.RuneCountInString(h), laneWidth)
	}
	for _, r := range rows {
		if c := col(r.lane); c >= 0 && c < len(widths) {
			widths[c] = max(widths[c], min(utf8.RuneCountInString(r.text), laneWidth))
		}
	}
	var b strings.Builder
	writeRow := func(step, at string, cells []string, note string) {
		line := fmt.Sprintf("%5s %-9s", step, at)
		for i, c := range cells {
			if note != "" && c != "" && i > 0 {
				// The only filled cell: the note runs on over the
				// lanes to its right, which are empty in this row.
				line += "| " + c + " " + note
				break
			}
			c = cut(c)
			line += "| " + c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+1)
		}
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	writeRow("step", "time", header, "")
	for i := 0; i < len(rows); i++ {
		r := rows[i]
		cells := make([]string, len(header))
		c := col(r.lane)
		if c < 0 || c >= len(cells) {
			continue
		}
		cells[c] = r.text
		// A decision shares the row of the event it led to, at its step,
		// so that a run of scheduling points costs no extra rows.
		if r.lane == decisionLane && i+1 < len(rows) {
			next := rows[i+1]
			if nc := col(next.lane); next.lane != decisionLane && next.step == r.step && nc > 0 && nc < len(cells) {
				cells[nc] = next.text
				r.note = next.note
				i++
			}
		}
		writeRow(fmt.Sprint(r.step), "+"+r.at.String(), cells, r.note)
	}
	return b.String()
}

// intervalLabel is the label of an EvBegin or EvEnd event: the one given to
// Sim.Begin, or "interval N" for an End whose Begin was never recorded.
func intervalLabel(e Event) string {
	if e.Text != "" {
		return e.Text
	}
	return fmt.Sprintf("interval %d", uint64(e.Arg))
}

// cut shortens s to laneWidth runes.
func cut(s string) string {
	r := []rune(s)
	if len(r) <= laneWidth {
		return s
	}
	return string(r[:laneWidth-1]) + "…"
}

// chromeEvent is one entry of the Chrome trace-event format.
type chromeEvent struct {
	Name  string         `json:"name"`
	Phase string         `json:"ph"`
	TS    int64          `json:"ts"`
	Dur   int64          `json:"dur,omitempty"`
	PID   int            `json:"pid"`
	TID   int            `json:"tid"`
	Scope string         `json:"s,omitempty"`
	Cat   string         `json:"cat,omitempty"`
	ID    string         `json:"id,omitempty"` // async slices (intervals)
	Args  map[string]any `json:"args,omitempty"`
}

// WriteChrome writes the trace in the Chrome trace-event JSON format, which
// Perfetto (ui.perfetto.dev) and chrome://tracing open: one thread per task,
// a slice for each stretch a task runs, an async slice for each interval
// ([Sim.Begin]), and instant events for spawns, blocks, notes and panics.
// The time axis is the step number, in microseconds (virtual time stands
// still while tasks run); each event carries its virtual time in args.
func (tr *Trace) WriteChrome(w io.Writer) error {
	var evs []chromeEvent
	for _, t := range tr.tasks {
		evs = append(evs, chromeEvent{Name: "thread_name", Phase: "M", TID: t.ID, Args: map[string]any{"name": fmt.Sprintf("%d %s", t.ID, t.Name)}})
	}
	running, since := -1, int64(0)
	closeSlice := func(now int64) {
		if running >= 0 {
			evs = append(evs, chromeEvent{Name: "run", Phase: "X", TS: since, Dur: max(now-since, 1), TID: running})
		}
	}
	var last int64
	for _, e := range tr.events {
		ts := int64(e.Step)
		last = ts
		switch e.Kind {
		case EvRun:
			closeSlice(ts)
			running, since = e.Task, ts
			continue
		case EvExit, EvPanic:
			if e.Task == running {
				closeSlice(ts)
				running = -1
			}
		case EvDecide:
			continue
		case EvBegin, EvEnd:
			// An async slice: it may open on one task and close on
			// another, so it is drawn on a track of its own.
			ph := "b"
			if e.Kind == EvEnd {
				ph = "e"
			}
			evs = append(evs, chromeEvent{Name: intervalLabel(e), Phase: ph, Cat: "interval", ID: strconv.FormatUint(uint64(e.Arg), 10), TS: ts, TID: max(e.Task, 0),
				Args: map[string]any{"vtime": e.At.String()}})
			continue
		}
		tid := max(e.Task, 0)
		evs = append(evs, chromeEvent{Name: strings.TrimSpace(e.Kind.String() + " " + e.Text + " " + e.On), Phase: "i", Scope: "t", TS: ts, TID: tid,
			Args: map[string]any{"vtime": e.At.String()}})
	}
	closeSlice(last + 1)
	return json.NewEncoder(w).Encode(evs)
}
