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
func Tree(spans []*mocktracer.SpanRecord) string {
	if len(spans) == 0 {
		return "(no spans)\n"
	}
	sorted := SortByStart(spans)
	epoch := sorted[0].Start
	byID := make(map[uint64]bool, len(sorted))
	for _, s := range sorted {
		byID[s.SpanID] = true
	}
	children := make(map[uint64][]*mocktracer.SpanRecord)
	var roots []*mocktracer.SpanRecord
	for _, s := range sorted {
		if p := s.ParentID; p != 0 && byID[p] && p != s.SpanID {
			children[p] = append(children[p], s)
		} else {
			roots = append(roots, s)
		}
	}
	var b strings.Builder
	var walk func(s *mocktracer.SpanRecord, depth int)
	walk = func(s *mocktracer.SpanRecord, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		writeSpan(&b, s, epoch, depth == 0)
		for _, c := range children[s.SpanID] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return b.String()
}

func writeSpan(b *strings.Builder, s *mocktracer.SpanRecord, epoch time.Time, root bool) {
	fmt.Fprintf(b, "%s [trace %d span %d", s.Operation, s.TraceID, s.SpanID)
	if root && s.ParentID != 0 {
		fmt.Fprintf(b, " parent %d", s.ParentID)
	}
	for _, r := range s.References {
		if r.SpanID != 0 && r.Type == opentracing.FollowsFromRef {
			fmt.Fprintf(b, " follows_from %d", r.SpanID)
		}
	}
	if s.Finished() {
		fmt.Fprintf(b, "] %v..%v", s.Start.Sub(epoch), s.Finish.Sub(epoch))
	} else {
		fmt.Fprintf(b, "] %v..open", s.Start.Sub(epoch))
	}
	tags := s.Tags
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, " %s=%v", k, tags[k])
	}
	if n := len(s.Logs); n > 0 {
		fmt.Fprintf(b, " logs=%d", n)
	}
	b.WriteByte('\n')
}

// Describe names a span in one line for notes and messages: its operation,
// its id and its parent, as `"task1" #2 (child of #1)`, `"cb" #3 (follows
// #1)` for a FOLLOWS_FROM reference, or `"parent" #1 (root)`.
func Describe(s *mocktracer.SpanRecord) string {
	if s.ParentID == 0 {
		return fmt.Sprintf("%q #%d (root)", s.Operation, s.SpanID)
	}
	rel := "child of"
	for _, r := range s.References {
		if r.SpanID == 0 {
			continue // a context the tracer does not know
		}
		// The first reference to a known context gives the parent.
		if r.Type == opentracing.FollowsFromRef {
			rel = "follows"
		}
		break
	}
	return fmt.Sprintf("%q #%d (%s #%d)", s.Operation, s.SpanID, rel, s.ParentID)
}
