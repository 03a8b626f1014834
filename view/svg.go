package view

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
)

// Colours of the waterfall. Spans take a hue of their trace.
const (
	colChildOf  = "#2f63c8"
	colFollows  = "#d4731c"
	colChan     = "#12877c"
	colFuture   = "#8a45d1"
	colScope    = "#ffe9a8"
	colFail     = "#d62828"
	colDecision = "#777777"
	colFinish   = "#555555"
)

var spanFills = []string{"#9cc3f0", "#a8dcb0", "#f3c38b", "#d5b8ef", "#f0a7a7", "#a6dde0"}

// WriteSVG writes the run as an SVG waterfall: one lane per task, a bar per
// span from its start to its finish (in the lane of the task that started
// it), parent/child and FOLLOWS_FROM arrows, scope activations shaded, the
// channel and future hand-overs between lanes, the scheduling decisions as
// ticks, and the failure in red. The x axis is the step; where virtual time
// moves on, a gap labelled with the new time. Each element has a <title>
// that viewers show on hover.
func WriteSVG(w io.Writer, r *Run) error {
	var b bytes.Buffer
	writeSVG(&b, r, "")
	_, err := w.Write(b.Bytes())
	return err
}

// svgWriter builds the document; every attribute and text goes through esc.
type svgWriter struct {
	b *bytes.Buffer
}

func (w svgWriter) f(format string, args ...any) { fmt.Fprintf(w.b, format, args...) }

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// title is a hover text: a <title> child.
func title(s string) string { return "<title>" + esc(s) + "</title>" }

// writeSVG writes the svg element; id prefixes its ids, so that two
// waterfalls can share an HTML page.
func writeSVG(b *bytes.Buffer, r *Run, id string) {
	w := svgWriter{b}
	header := 22.0
	if r.Failure != nil {
		header += 18
	}
	legendY := header + 4
	axisY := legendY + 26
	decY := axisY + 26
	l := newLayout(r, decY+16)
	width := max(l.width, legendWidth()+16)
	w.f(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="monospace" font-size="%d">`+"\n", width, l.height, width, l.height, fontSize)
	w.f(`<defs>`)
	for _, m := range []struct{ name, col string }{{"child", colChildOf}, {"follows", colFollows}, {"chan", colChan}, {"future", colFuture}, {"finish", colFinish}} {
		w.f(`<marker id="%s%s" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="%s"/></marker>`, id, m.name, m.col)
	}
	w.f("</defs>\n")
	w.f(`<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`+"\n", width, l.height)

	// Title, failure banner, legend.
	w.f(`<text x="8" y="16" font-size="13" font-weight="bold">%s</text>`+"\n", esc(fit(r.Title, width-16)))
	if f := r.Failure; f != nil {
		msg := fmt.Sprintf("FAILED at step %d (+%v) in %s: %s", f.Step, f.At, taskLabel(r, f.Task), firstLine(f.Message))
		w.f(`<text class="failure" x="8" y="34" fill="%s" font-weight="bold">%s%s</text>`+"\n", colFail, title(f.Message), esc(fit(msg, width-16)))
	}
	writeLegend(w, legendY, id)

	// Axes: virtual time where it moves on, steps every few columns.
	w.f(`<text x="8" y="%.0f" fill="#444">virtual time</text>`+"\n", axisY)
	w.f(`<text x="8" y="%.0f" fill="#444">step</text>`+"\n", axisY+12)
	w.f(`<text x="8" y="%.0f" fill="#444">decisions</text>`+"\n", decY+8)
	w.f(`<text x="%.1f" y="%.0f" fill="#444">+0s</text>`+"\n", l.x(0), axisY)
	lastLabel := l.x(0) + 4*charW
	for _, t := range l.times {
		x := l.x(t.step)
		w.f(`<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#bbb" stroke-dasharray="2,3"/>`, x-gapUnits*l.stepW/2, axisY+16, x-gapUnits*l.stepW/2, l.height-20)
		label := "+" + t.at.String()
		if x-gapUnits*l.stepW/2 > lastLabel+charW {
			w.f(`<text x="%.1f" y="%.0f" fill="#444">%s%s</text>`, x-gapUnits*l.stepW/2+2, axisY, title(fmt.Sprintf("virtual time %s from step %d", label, t.step)), esc(label))
			lastLabel = x - gapUnits*l.stepW/2 + 2 + float64(len(label))*charW
		}
		w.f("\n")
	}
	every := 1 // a step label every 1, 2, 5, 10, 20, 50... steps
	for i, pow := 0, 1; float64(every)*l.stepW < 6*charW; i++ {
		if i%3 == 0 && i > 0 {
			pow *= 10
		}
		every = []int{2, 5, 10}[i%3] * pow
	}
	for s := 0; s <= r.Steps; s += every {
		w.f(`<text x="%.1f" y="%.0f" fill="#666">%d</text>`, l.x(s), axisY+12, s)
	}
	w.f("\n")
	for _, d := range r.Decisions {
		col := colDecision
		tip := fmt.Sprintf("step %d (+%v): %s", d.Step, d.At, d)
		if d.Run >= 0 && d.Run != d.Task && d.Task >= 0 {
			col = "#222"
			tip += fmt.Sprintf(", switching from task %d", d.Task)
		}
		w.f(`<rect class="decision" x="%.1f" y="%.0f" width="%.1f" height="9" fill="%s">%s</rect>`+"\n", l.x(d.Step), decY, max(l.stepW-1, 1), col, title(tip))
	}

	// Lanes.
	failTask := -2
	if r.Failure != nil {
		failTask = r.Failure.Task
	}
	for i, t := range r.Tasks {
		y, h := l.laneY[i], l.laneH[i]
		fill := "#ffffff"
		if i%2 == 1 {
			fill = "#f6f7f9"
		}
		stroke := ""
		if t.ID == failTask {
			fill, stroke = "#fde8e8", fmt.Sprintf(` stroke="%s" stroke-width="2"`, colFail)
		}
		tip := fmt.Sprintf("task %s, spawned at step %d by %s", t.Label(), t.Start.Step, taskLabel(r, t.Parent))
		if t.End.Step >= 0 {
			verb := "ended"
			if t.Panicked {
				verb = "panicked"
			}
			tip += fmt.Sprintf(", %s at step %d (+%v)", verb, t.End.Step, t.End.At)
		}
		w.f(`<g class="lane" data-task="%d"><rect x="0" y="%.1f" width="%.0f" height="%.1f" fill="%s"%s>%s</rect>`, t.ID, y, width, h, fill, stroke, title(tip))
		w.f(`<text x="8" y="%.1f"%s>%s</text></g>`+"\n", y+13, map[bool]string{true: ` fill="` + colFail + `" font-weight="bold"`, false: ""}[t.ID == failTask], esc(fit(t.Label(), labelW-8)))
	}
	// Scope activations, under the bars.
	for _, a := range r.Scopes {
		y, h := l.lane(a.Task)
		end := a.End.Step
		if end < 0 {
			end = r.Steps
		}
		x0 := l.x(a.Start.Step)
		sp, _ := r.Span(a.SpanID)
		w.f(`<rect class="scope" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.7">%s</rect>`+"\n",
			x0, y+1, max(l.x(end)+l.stepW-x0, l.stepW), h-2, colScope,
			title(fmt.Sprintf("scope: span #%d %s active in task %d, steps %d to %d", a.SpanID, sp.Operation, a.Task, a.Start.Step, end)))
	}
	// Task lines: life from spawn to end, darker while running.
	for i, t := range r.Tasks {
		ly := l.lineY(i)
		end := t.End.Step
		if end < 0 {
			end = r.Steps
		}
		w.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c8c8c8" stroke-width="2"/>`, l.x(t.Start.Step), ly, l.x(end)+l.stepW, ly)
		for _, st := range t.Running {
			w.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="4" fill="#6b6b6b">%s</rect>`, l.x(st.From), ly-2, max(l.x(st.To)+l.stepW-l.x(st.From), 1), title(fmt.Sprintf("task %d runs, steps %d to %d", t.ID, st.From, st.To)))
		}
		w.f("\n")
	}
	// Marks of the events that decide a run.
	for _, m := range r.Marks {
		if !decidingMark(m) || m.Task < 0 {
			continue
		}
		x, y := l.x(m.Step)+l.stepW/2, l.lineY(m.Task)
		col := "#333"
		if m.Kind == "panic" {
			col = colFail
		}
		w.f(`<path class="mark" d="M%.1f,%.1f l3,3 l-3,3 l-3,-3 z" fill="%s">%s</path>`+"\n", x, y-3, col, title(fmt.Sprintf("step %d (+%v), task %d: %s", m.Step, m.At, m.Task, m.Text)))
	}
	// Hand-overs between tasks.
	for _, e := range r.Edges {
		if e.From.Task < 0 || e.To.Task < 0 {
			continue
		}
		col, marker := colChan, "chan"
		if e.Kind == EdgeFuture {
			col, marker = colFuture, "future"
		}
		x0, y0 := l.x(e.From.Step)+l.stepW/2, l.lineY(e.From.Task)
		x1, y1 := l.x(e.To.Step)+l.stepW/2, l.lineY(e.To.Task)
		verb := map[EdgeKind]string{EdgeChan: "sent", EdgeFuture: "resolved"}[e.Kind]
		w.f(`<path class="edge" d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" stroke="%s" stroke-width="1" fill="none" opacity="0.55" marker-end="url(#%s%s)">%s</path>`+"\n",
			x0, y0, x0+(x1-x0)/3, y0, x1-(x1-x0)/3, y1, x1, y1, col, id, marker,
			title(fmt.Sprintf("%s: %s by task %d at step %d, taken by task %d at step %d", e.Obj, verb, e.From.Task, e.From.Step, e.To.Task, e.To.Step)))
	}
	// Span bars, their labels, and a finish in another lane.
	for i, s := range r.Spans {
		x0, x1 := l.x(s.Start.Step), l.spanEndX(s)
		y := l.barY(s)
		fill := spanFills[traceHue(s.TraceID)]
		stroke := "#4a4a4a"
		dash := ""
		if !s.Finished {
			stroke, dash = colFail, ` stroke-dasharray="3,2"`
		}
		w.f(`<g class="span" data-span="%d"><rect x="%.1f" y="%.1f" width="%.1f" height="%d" rx="2" fill="%s" stroke="%s"%s>%s</rect>`, s.SpanID, x0, y, x1-x0, barH, fill, stroke, dash, title(spanDetails(r, s)))
		if label := fit(s.Label(), x1-x0); label != "" {
			w.f(`<text x="%.1f" y="%.1f" pointer-events="none" stroke="%s" stroke-width="2.5" paint-order="stroke">%s</text>`, x0+2, y+barH-3, fill, esc(label))
		}
		w.f("</g>\n")
		if s.Finished && s.Finish.Task >= 0 && s.Finish.Task != s.Start.Task {
			fx, fy := l.x(s.Finish.Step)+l.stepW/2, l.lineY(s.Finish.Task)
			w.f(`<path d="M%.1f,%.1f L%.1f,%.1f" stroke="%s" stroke-dasharray="2,2" fill="none" marker-end="url(#%sfinish)"/>`, x1, y+barH/2, fx, fy, colFinish, id)
			w.f(`<rect x="%.1f" y="%.1f" width="6" height="6" fill="%s" transform="rotate(45 %.1f %.1f)">%s</rect>`+"\n", fx-3, fy-3, colFinish, fx, fy,
				title(fmt.Sprintf("span %s finished here, in task %d, step %d (started in task %d)", s.Label(), s.Finish.Task, s.Finish.Step, s.Start.Task)))
		}
		_ = i
	}
	// References between spans.
	for _, s := range r.Spans {
		for _, ref := range s.Refs {
			p, ok := r.Span(ref.SpanID)
			if !ok {
				continue
			}
			col, marker, dash := colChildOf, "child", ""
			if ref.Type == FollowsFrom {
				col, marker, dash = colFollows, "follows", ` stroke-dasharray="5,3"`
			}
			px := min(max(l.x(s.Start.Step), l.x(p.Start.Step)+2), l.spanEndX(p)-2)
			py := l.barY(p) + barH
			cx, cy := l.x(s.Start.Step)+1, l.barY(s)+barH/2
			if cy < py {
				py = l.barY(p)
			}
			w.f(`<path class="ref" d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" stroke="%s" stroke-width="1.3" fill="none"%s marker-end="url(#%s%s)">%s</path>`+"\n",
				px, py, px, (py+cy)/2, cx-8, cy, cx, cy, col, dash, id, marker, title(fmt.Sprintf("%s: #%d %s → #%d %s", ref.Type, p.SpanID, p.Operation, s.SpanID, s.Operation)))
		}
	}
	// The failure, on top of everything.
	if f := r.Failure; f != nil {
		x := l.x(f.Step) + l.stepW/2
		w.f(`<line class="failure" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2">%s</line>`+"\n", x, decY-4, x, l.height-20, colFail, title(f.Message))
	}
	w.f(`<text x="8" y="%.0f" fill="#666">%d tasks, %d spans, %d steps, virtual time +%v; hover for details</text>`+"\n", l.height-6, len(r.Tasks), len(r.Spans), r.Steps, r.Elapsed)
	w.f("</svg>\n")
}

// legendTexts are the legend's entries, in order.
var legendTexts = []string{"span", "child of", "follows from", "scope active", "channel send→recv", "future resolve→get", "task running", "decision", "failure"}

// legendWidth is the width of the legend's row.
func legendWidth() float64 {
	w := 8.0
	for _, t := range legendTexts {
		w += 26 + float64(len([]rune(t)))*charW + 14
	}
	return w
}

// writeLegend draws the key of colours and arrows in one row.
func writeLegend(w svgWriter, y float64, id string) {
	x := 8.0
	n := 0
	item := func(draw func(x float64), _ string) {
		text := legendTexts[n]
		n++
		draw(x)
		w.f(`<text x="%.1f" y="%.1f">%s</text>`, x+26, y+9, esc(text))
		x += 26 + float64(len([]rune(text)))*charW + 14
	}
	item(func(x float64) {
		w.f(`<rect x="%.1f" y="%.1f" width="22" height="10" rx="2" fill="%s" stroke="#4a4a4a"/>`, x, y, spanFills[0])
	}, "span")
	arrow := func(col, marker, dash string) func(float64) {
		return func(x float64) {
			w.f(`<path d="M%.1f,%.1f L%.1f,%.1f" stroke="%s" stroke-width="1.3"%s marker-end="url(#%s%s)"/>`, x, y+5, x+20, y+5, col, dash, id, marker)
		}
	}
	item(arrow(colChildOf, "child", ""), "child of")
	item(arrow(colFollows, "follows", ` stroke-dasharray="5,3"`), "follows from")
	item(func(x float64) {
		w.f(`<rect x="%.1f" y="%.1f" width="22" height="10" fill="%s"/>`, x, y, colScope)
	}, "scope active")
	item(arrow(colChan, "chan", ""), "channel send→recv")
	item(arrow(colFuture, "future", ""), "future resolve→get")
	item(func(x float64) {
		w.f(`<rect x="%.1f" y="%.1f" width="22" height="4" fill="#6b6b6b"/>`, x, y+3)
	}, "task running")
	item(func(x float64) {
		w.f(`<rect x="%.1f" y="%.1f" width="4" height="9" fill="%s"/>`, x+9, y, colDecision)
	}, "decision")
	item(func(x float64) {
		w.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`, x+11, y-1, x+11, y+11, colFail)
	}, "failure")
	w.f("\n")
}

// decidingMark reports whether a mark is one of the events that usually
// decide a run: a select's case, a Done, a Get returning, a Yield, a
// panic, a note.
func decidingMark(m Mark) bool {
	switch m.Kind {
	case "select", "panic", "note":
		return true
	case "op":
		return strings.HasPrefix(m.Text, "done ") || strings.HasPrefix(m.Text, "got ") || m.Text == "yield" || strings.HasPrefix(m.Text, "resolve ")
	}
	return false
}

// traceHue picks a fill for a trace id.
func traceHue(id uint64) int {
	h := fnv.New32a()
	fmt.Fprint(h, id)
	return int(h.Sum32() % uint32(len(spanFills)))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
