package view

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Divergence is where the schedules of two runs first differ.
type Divergence struct {
	// Index is the first decision that differs (or that one run lacks);
	// -1 if the schedules are the same.
	Index int
	// A and B are the two runs' decisions there (Of is 0 when a run has
	// no such decision).
	A, B Decision
}

// Diverge finds the first decision where a and b differ.
func Diverge(a, b *Run) Divergence {
	n := max(len(a.Decisions), len(b.Decisions))
	for i := range n {
		var da, db Decision
		if i < len(a.Decisions) {
			da = a.Decisions[i]
		}
		if i < len(b.Decisions) {
			db = b.Decisions[i]
		}
		if da.Kind != db.Kind || da.Chosen != db.Chosen || da.Of != db.Of || da.Run != db.Run {
			return Divergence{Index: i, A: da, B: db}
		}
	}
	return Divergence{Index: -1}
}

// SpanTree renders the run's spans as an indented tree, one line per span:
// operation, how it refers to its parent, the task that started it. Span
// ids are left out, so that two runs of one scenario compare line by line.
func SpanTree(r *Run) []string {
	children := map[uint64][]Span{}
	var roots []Span
	for _, s := range r.Spans {
		if _, ok := r.Span(s.ParentID); s.ParentID == 0 || !ok {
			roots = append(roots, s)
			continue
		}
		children[s.ParentID] = append(children[s.ParentID], s)
	}
	var out []string
	var walk func(s Span, depth int)
	walk = func(s Span, depth int) {
		rel := "root"
		if len(s.Refs) > 0 {
			rel = strings.ToLower(string(s.Refs[0].Type))
		}
		line := fmt.Sprintf("%s%s (%s, task %s)", strings.Repeat("  ", depth), s.Operation, rel, taskName(r, s.Start.Task))
		if !s.Finished {
			line += " UNFINISHED"
		}
		out = append(out, line)
		for _, c := range children[s.SpanID] {
			walk(c, depth+1)
		}
	}
	for _, s := range roots {
		walk(s, 0)
	}
	return out
}

func taskName(r *Run, id int) string {
	if t, ok := r.Task(id); ok {
		return t.Name
	}
	return "-"
}

// WriteDiff writes, as text, how run b differs from run a: the outcomes,
// the first decision where their schedules diverge (with its step in each
// run), and the lines of their span trees that only one has.
func WriteDiff(w io.Writer, a, b *Run) error {
	var buf bytes.Buffer
	outcome := func(r *Run) string {
		if r.Failure != nil {
			return "FAIL: " + firstLine(r.Failure.Message)
		}
		return "ok"
	}
	fmt.Fprintf(&buf, "a: %s\n   %s\nb: %s\n   %s\n\n", a.Title, outcome(a), b.Title, outcome(b))
	d := Diverge(a, b)
	if d.Index < 0 {
		buf.WriteString("schedules: the same decisions\n")
	} else {
		fmt.Fprintf(&buf, "schedules diverge at decision %d:\n  a: %s\n  b: %s\n", d.Index, decisionAt(d.A), decisionAt(d.B))
	}
	ta, tb := SpanTree(a), SpanTree(b)
	onlyA, onlyB := minus(ta, tb), minus(tb, ta)
	if len(onlyA) == 0 && len(onlyB) == 0 {
		buf.WriteString("\nspan trees: the same\n")
	} else {
		buf.WriteString("\nspan trees differ (- only in a, + only in b):\n")
		for _, l := range onlyA {
			buf.WriteString("- " + l + "\n")
		}
		for _, l := range onlyB {
			buf.WriteString("+ " + l + "\n")
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func decisionAt(d Decision) string {
	if d.Of == 0 {
		return "(no such decision: the run ended)"
	}
	return fmt.Sprintf("step %d (+%v) in %s: %s", d.Step, d.At, map[bool]string{true: fmt.Sprintf("task %d", d.Task), false: "the scheduler"}[d.Task >= 0], d)
}

// minus returns the lines of x not matched by a line of y (as multisets).
func minus(x, y []string) []string {
	count := map[string]int{}
	for _, l := range y {
		count[l]++
	}
	var out []string
	for _, l := range x {
		if count[l] > 0 {
			count[l]--
			continue
		}
		out = append(out, l)
	}
	return out
}

// WriteDiffHTML writes the comparison as one self-contained page: the text
// of WriteDiff, then the two waterfalls, one above the other.
func WriteDiffHTML(w io.Writer, a, b *Run) error {
	var text bytes.Buffer
	if err := WriteDiff(&text, a, b); err != nil {
		return err
	}
	var buf bytes.Buffer
	p := page{b: &buf}
	p.open("diff: " + a.Title + " / " + b.Title)
	p.pre(text.String())
	p.heading("a: " + a.Title)
	p.waterfall(a, "a-")
	p.heading("b: " + b.Title)
	p.waterfall(b, "b-")
	p.close()
	_, err := w.Write(buf.Bytes())
	return err
}
