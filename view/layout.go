package view

import (
	"fmt"
	"strings"
	"time"
)

// The waterfall's geometry, in pixels. Text is monospace so that a label's
// width is known without fonts: charW per character at fontSize.
const (
	fontSize  = 11
	charW     = 6.7
	labelW    = 180 // the lane labels' column
	barH      = 13  // a span bar
	rowGap    = 3   // between stacked bars of a lane
	laneTop   = 9   // the task's own line, above its bars
	lanePad   = 5
	gapUnits  = 4    // room, in steps, where virtual time moves on
	plotWidth = 1100 // the target width of the plot
	minStepW  = 3.0
	maxStepW  = 16.0
	rightPad  = 60
)

// layout places a run on the page: an x per step, a y per lane, a row per
// span inside its lane.
type layout struct {
	r       *Run
	stepX   []float64 // x of each step, 0..r.Steps
	stepW   float64
	top     float64 // y of the first lane
	laneY   []float64
	laneH   []float64
	spanRow map[uint64]int // span id -> row inside its start lane
	width   float64
	height  float64
	times   []timeTick // where virtual time moves on
}

// timeTick marks the first step at a new virtual time.
type timeTick struct {
	step int
	at   time.Duration
}

func newLayout(r *Run, top float64) *layout {
	l := &layout{r: r, top: top, spanRow: map[uint64]int{}}
	// Virtual time per step: the largest time seen at or before it.
	at := make([]time.Duration, r.Steps+1)
	note := func(p Point) {
		if p.Step >= 0 && p.Step <= r.Steps {
			at[p.Step] = max(at[p.Step], p.At)
		}
	}
	for _, d := range r.Decisions {
		note(d.Point)
	}
	for _, m := range r.Marks {
		note(m.Point)
	}
	for _, t := range r.Tasks {
		note(t.Start)
		note(t.End)
	}
	units := make([]float64, r.Steps+1)
	u := 0.0
	for s := 0; s <= r.Steps; s++ {
		if s > 0 {
			at[s] = max(at[s], at[s-1])
			u++
			if at[s] > at[s-1] {
				u += gapUnits
				l.times = append(l.times, timeTick{s, at[s]})
			}
		}
		units[s] = u
	}
	l.stepW = min(max(plotWidth/max(u+1, 1), minStepW), maxStepW)
	l.stepX = make([]float64, r.Steps+1)
	for s := range units {
		l.stepX[s] = labelW + 10 + units[s]*l.stepW
	}
	l.width = l.x(r.Steps) + l.stepW + rightPad

	// Rows: pack each lane's spans (by start task) greedily.
	rowsEnd := map[int][]float64{}
	for _, s := range r.Spans {
		lane := max(s.Start.Task, 0)
		x0, x1 := l.x(s.Start.Step), l.spanEndX(s)
		ends := rowsEnd[lane]
		row := -1
		for i, e := range ends {
			if e+2 <= x0 {
				row = i
				break
			}
		}
		if row < 0 {
			row = len(ends)
			ends = append(ends, 0)
		}
		ends[row] = x1
		rowsEnd[lane] = ends
		l.spanRow[s.SpanID] = row
	}
	y := top
	for _, t := range r.Tasks {
		h := laneTop + float64(len(rowsEnd[t.ID]))*(barH+rowGap) + lanePad
		h = max(h, 22)
		l.laneY = append(l.laneY, y)
		l.laneH = append(l.laneH, h)
		y += h
	}
	l.height = y + 24
	return l
}

// x is the left edge of a step's column.
func (l *layout) x(step int) float64 {
	step = min(max(step, 0), len(l.stepX)-1)
	return l.stepX[step]
}

// spanEndX is the right edge of a span's bar: at least one step wide.
func (l *layout) spanEndX(s Span) float64 {
	return max(l.x(s.Finish.Step)+l.stepW, l.x(s.Start.Step)+l.stepW)
}

// lane returns the y and height of a task's lane (the first lane for -1).
func (l *layout) lane(task int) (y, h float64) {
	if task < 0 || task >= len(l.laneY) {
		task = 0
	}
	if len(l.laneY) == 0 {
		return l.top, 22
	}
	return l.laneY[task], l.laneH[task]
}

// lineY is the y of a task's own line (life, marks, hand-overs).
func (l *layout) lineY(task int) float64 {
	y, _ := l.lane(task)
	return y + 5
}

// barY is the top of a span's bar.
func (l *layout) barY(s Span) float64 {
	y, _ := l.lane(s.Start.Task)
	return y + laneTop + float64(l.spanRow[s.SpanID])*(barH+rowGap)
}

// fit cuts s to the characters that fit in width pixels, "" if not even
// two do.
func fit(s string, width float64) string {
	n := int((width - 4) / charW)
	r := []rune(s)
	switch {
	case len(r) <= n:
		return s
	case n < 2:
		return ""
	}
	return string(r[:n-1]) + "…"
}

// spanDetails is the hover text of a span: where it started and finished,
// its references, tags and logs.
func spanDetails(r *Run, s Span) string {
	var b strings.Builder
	fmt.Fprintf(&b, "span %s\n", s.Label())
	fmt.Fprintf(&b, "started: step %d, +%v, %s\n", s.Start.Step, s.Start.At, taskLabel(r, s.Start.Task))
	if s.Finished {
		fmt.Fprintf(&b, "finished: step %d, +%v, %s\n", s.Finish.Step, s.Finish.At, taskLabel(r, s.Finish.Task))
	} else {
		b.WriteString("never finished\n")
	}
	for _, ref := range s.Refs {
		fmt.Fprintf(&b, "%s #%d\n", ref.Type, ref.SpanID)
	}
	for _, t := range s.Tags {
		fmt.Fprintf(&b, "tag %s=%s\n", t.Key, t.Value)
	}
	for _, lg := range s.Logs {
		fmt.Fprintf(&b, "log +%v:", lg.At)
		for _, f := range lg.Fields {
			fmt.Fprintf(&b, " %s=%s", f.Key, f.Value)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// taskLabel names a task of the run, "the scheduler" for -1.
func taskLabel(r *Run, id int) string {
	if t, ok := r.Task(id); ok {
		return "task " + t.Label()
	}
	return "the scheduler"
}
