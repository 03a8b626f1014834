package check

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// Tree renders spans as an indented tree, children under their parent,
// siblings by start time then span id. Times are offsets from the earliest
// start, tags are sorted by key: for a seeded sim run the output is
// byte-stable. A span whose parent is not among spans is printed as a root
// with its parent id.
func Tree(spans []*mocktracer.MockSpan) string {
	if len(spans) == 0 {
		return "(no spans)\n"
	}
	sorted := SortByStart(spans)
	epoch := sorted[0].StartTime()
	byID := make(map[uint64]bool, len(sorted))
	for _, s := range sorted {
		byID[s.SpanID()] = true
	}
	children := make(map[uint64][]*mocktracer.MockSpan)
	var roots []*mocktracer.MockSpan
	for _, s := range sorted {
		if p := s.ParentID(); p != 0 && byID[p] && p != s.SpanID() {
			children[p] = append(children[p], s)
		} else {
			roots = append(roots, s)
		}
	}
	var b strings.Builder
	var walk func(s *mocktracer.MockSpan, depth int)
	walk = func(s *mocktracer.MockSpan, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		writeSpan(&b, s, epoch, depth == 0)
		for _, c := range children[s.SpanID()] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return b.String()
}

func writeSpan(b *strings.Builder, s *mocktracer.MockSpan, epoch time.Time, root bool) {
	fmt.Fprintf(b, "%s [trace %d span %d", s.OperationName(), s.TraceID(), s.SpanID())
	if root && s.ParentID() != 0 {
		fmt.Fprintf(b, " parent %d", s.ParentID())
	}
	for _, r := range s.References() {
		if sc, ok := r.ReferencedContext.(mocktracer.MockSpanContext); ok && r.Type.String() == "follows_from" {
			fmt.Fprintf(b, " follows_from %d", sc.SpanID)
		}
	}
	if s.Finished() {
		fmt.Fprintf(b, "] %v..%v", s.StartTime().Sub(epoch), s.FinishTime().Sub(epoch))
	} else {
		fmt.Fprintf(b, "] %v..open", s.StartTime().Sub(epoch))
	}
	tags := s.Tags()
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, " %s=%v", k, tags[k])
	}
	if n := len(s.Logs()); n > 0 {
		fmt.Fprintf(b, " logs=%d", n)
	}
	b.WriteByte('\n')
}

// Describe names a span in one line for notes and messages: its operation,
// its id and its parent, as `"task1" #2 (child of #1)`, `"cb" #3 (follows
// #1)` for a FOLLOWS_FROM reference, or `"parent" #1 (root)`.
func Describe(s *mocktracer.MockSpan) string {
	if s.ParentID() == 0 {
		return fmt.Sprintf("%q #%d (root)", s.OperationName(), s.SpanID())
	}
	rel := "child of"
	for _, r := range s.References() {
		switch r.ReferencedContext.(type) {
		case mocktracer.MockSpanContext, *mocktracer.MockSpanContext:
			// The first reference to a mock context gives the parent.
			if r.Type == opentracing.FollowsFromRef {
				rel = "follows"
			}
		default:
			continue
		}
		break
	}
	return fmt.Sprintf("%q #%d (%s #%d)", s.OperationName(), s.SpanID(), rel, s.ParentID())
}
