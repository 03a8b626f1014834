package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// laneWidth bounds the width of a timeline lane; longer text is cut.
const laneWidth = 22

// Timeline renders the trace as text with one lane (column) per task, and
// one row per event: spawns, blocks, exits, panics, notes, timers, and a
// "▶" where a task starts running after another. Decisions are not shown;
// [Trace.String] lists them.
//
//	step  time   | timers       | 0 root       | 1 worker
//	   1  +0s    |              | spawn 1      |
//	   1  +0s    |              |              | ▶
func (tr *Trace) Timeline() string {
	type row struct {
		step int
		at   time.Duration
		lane int // -1: timers lane
		text string
	}
	var rows []row
	hasTimers := false
	for _, e := range tr.events {
		var text string
		switch e.Kind {
		case EvDecide:
			continue
		case EvRun:
			text = "▶"
		case EvSpawn:
			text = fmt.Sprintf("spawn %d", e.Arg)
			if e.Task < 0 {
				continue // the root, or a task started by a timer (shown by its ▶)
			}
		case EvExit:
			text = "exit"
		case EvOp:
			text = e.Text + " " + e.On
		case EvBlock:
			text = e.Text
			if e.On != "" {
				text += " " + e.On
			} else if e.Text == "sleep" {
				text += fmt.Sprintf(" →+%v", time.Duration(e.Arg))
			}
		case EvTimer:
			text = fmt.Sprintf("timer %d", e.Arg)
			hasTimers = true
		case EvPanic:
			text = "PANIC " + e.Text
		case EvNote:
			text = "· " + e.Text
			if e.Task < 0 {
				hasTimers = true
			}
		default:
			text = e.Kind.String()
		}
		rows = append(rows, row{e.Step, e.At, e.Task, text})
	}
	var lanes []string
	if hasTimers {
		lanes = append(lanes, "timers")
	}
	for _, t := range tr.tasks {
		lanes = append(lanes, fmt.Sprintf("%d %s", t.ID, t.Name))
	}
	col := func(lane int) int {
		if hasTimers {
			return lane + 1
		}
		return lane
	}
	var b strings.Builder
	writeRow := func(step, at string, cells []string) {
		fmt.Fprintf(&b, "%5s %-9s", step, at)
		for _, c := range cells {
			fmt.Fprintf(&b, "| %-*s", laneWidth, cut(c))
		}
		b.WriteString("\n")
	}
	writeRow("step", "time", lanes)
	for _, r := range rows {
		cells := make([]string, len(lanes))
		c := col(r.lane)
		if c < 0 || c >= len(cells) {
			continue
		}
		cells[c] = r.text
		writeRow(fmt.Sprint(r.step), "+"+r.at.String(), cells)
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
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
	Args  map[string]any `json:"args,omitempty"`
}

// WriteChrome writes the trace in the Chrome trace-event JSON format, which
// Perfetto (ui.perfetto.dev) and chrome://tracing open: one thread per task,
// a slice for each stretch a task runs, and instant events for spawns,
// blocks, notes and panics. The time axis is the step number, in
// microseconds (virtual time stands still while tasks run); each event
// carries its virtual time in args.
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
		}
		tid := max(e.Task, 0)
		evs = append(evs, chromeEvent{Name: strings.TrimSpace(e.Kind.String() + " " + e.Text + " " + e.On), Phase: "i", Scope: "t", TS: ts, TID: tid,
			Args: map[string]any{"vtime": e.At.String()}})
	}
	closeSlice(last + 1)
	return json.NewEncoder(w).Encode(evs)
}
