// Package check holds the span assertions of the testbed scenarios: the
// Go form of opentracing-python's OpenTracingTestCase helpers and
// opentracing-java's testbed utilities, plus the checks they left out
// (no misuse, every span finished exactly once, no active scope left).
//
// Every check returns an error instead of failing a test, so the same
// checks serve `go test`, a sim exploration (where a failed check fails the
// run and is reported with its seed), and the tracebed tool. Errors name
// the spans concerned; join several with errors.Join.
package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// Recorder reports the spans a tracer started and finished, and the misuse
// of the API it saw: the small interface through which the checks read any
// tracer. The MockTracer implements it; a wrapper around a MockTracer can
// hand out the inner one; an adapter for another tracer fills the records
// from that tracer's reports.
type Recorder interface {
	// FinishedRecords returns the spans finished so far, in the order they
	// (first) finished.
	FinishedRecords() []*mocktracer.SpanRecord
	// StartedRecords returns every span started so far, in start order,
	// finished or not.
	StartedRecords() []*mocktracer.SpanRecord
	// Misuses returns the misuse of the API recorded so far (finish twice,
	// use after finish, a scope closed twice or out of order); a tracer
	// that records none returns nil.
	Misuses() []opentracing.Misuse
}

var _ Recorder = (*mocktracer.MockTracer)(nil)

// ErrCheck is wrapped by every error this package returns, so callers can
// tell a failed span assertion from any other error with errors.Is.
var ErrCheck = errors.New("check failed")

func failf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCheck}, args...)...)
}

// name renders a span for error messages.
func name(s *mocktracer.SpanRecord) string {
	if s == nil {
		return "<nil span>"
	}
	return fmt.Sprintf("%q(trace %d, span %d, parent %d)", s.Operation, s.TraceID, s.SpanID, s.ParentID)
}

// SameTrace checks that a and b belong to one trace.
func SameTrace(a, b *mocktracer.SpanRecord) error {
	if a == nil || b == nil {
		return failf("same trace: %s, %s", name(a), name(b))
	}
	if a.TraceID != b.TraceID {
		return failf("%s and %s are in different traces", name(a), name(b))
	}
	return nil
}

// NotSameTrace checks that a and b belong to different traces.
func NotSameTrace(a, b *mocktracer.SpanRecord) error {
	if a == nil || b == nil {
		return failf("not same trace: %s, %s", name(a), name(b))
	}
	if a.TraceID == b.TraceID {
		return failf("%s and %s are in the same trace", name(a), name(b))
	}
	return nil
}

// ChildOf checks that child's parent is parent, and that both are in one
// trace (the gap the Python client/server test left open).
func ChildOf(child, parent *mocktracer.SpanRecord) error {
	if child == nil || parent == nil {
		return failf("child of: %s, %s", name(child), name(parent))
	}
	if child.ParentID != parent.SpanID {
		return failf("%s is not a child of %s", name(child), name(parent))
	}
	return SameTrace(child, parent)
}

// NotChildOf checks that child's parent is not parent.
func NotChildOf(child, parent *mocktracer.SpanRecord) error {
	if child == nil || parent == nil {
		return failf("not child of: %s, %s", name(child), name(parent))
	}
	if child.ParentID == parent.SpanID {
		return failf("%s is a child of %s", name(child), name(parent))
	}
	return nil
}

// NoParent checks that s is a root span.
func NoParent(s *mocktracer.SpanRecord) error {
	if s == nil {
		return failf("no parent: %s", name(s))
	}
	if s.ParentID != 0 {
		return failf("%s has a parent", name(s))
	}
	return nil
}

// Count checks that there are exactly n spans.
func Count(spans []*mocktracer.SpanRecord, n int) error {
	if len(spans) != n {
		return failf("got %d spans %v, want %d", len(spans), Names(spans), n)
	}
	return nil
}

// Names returns the operation names of spans, in order.
func Names(spans []*mocktracer.SpanRecord) []string {
	names := make([]string, len(spans))
	for i, s := range spans {
		names[i] = s.Operation
	}
	return names
}

// NamesInOrder checks that the operation names of spans are exactly names,
// in order (for FinishedSpans, the finish order).
func NamesInOrder(spans []*mocktracer.SpanRecord, names ...string) error {
	got := Names(spans)
	if strings.Join(got, "\x00") != strings.Join(names, "\x00") || len(got) != len(names) {
		return failf("names %q, want %q", got, names)
	}
	return nil
}

// EmptySpan checks that s is named name and has no tags and no logs.
func EmptySpan(s *mocktracer.SpanRecord, name string) error {
	if s == nil {
		return failf("empty span %q: nil span", name)
	}
	if s.Operation != name {
		return failf("span %q, want %q", s.Operation, name)
	}
	if n, l := len(s.Tags), len(s.Logs); n != 0 || l != 0 {
		return failf("span %q has %d tags and %d logs, want none", name, n, l)
	}
	return nil
}

// ByTag returns the spans whose tag key equals value.
func ByTag(spans []*mocktracer.SpanRecord, key string, value any) []*mocktracer.SpanRecord {
	var out []*mocktracer.SpanRecord
	for _, s := range spans {
		if v, ok := s.Tags[key]; ok && fmt.Sprint(v) == fmt.Sprint(value) {
			out = append(out, s)
		}
	}
	return out
}

// ByName returns the spans with the operation name.
func ByName(spans []*mocktracer.SpanRecord, operation string) []*mocktracer.SpanRecord {
	var out []*mocktracer.SpanRecord
	for _, s := range spans {
		if s.Operation == operation {
			out = append(out, s)
		}
	}
	return out
}

// OneByTag returns the single span whose tag key equals value; none or
// more than one is an error (Python's get_one_by_tag raised on more than
// one and returned None on none).
func OneByTag(spans []*mocktracer.SpanRecord, key string, value any) (*mocktracer.SpanRecord, error) {
	found := ByTag(spans, key, value)
	if len(found) != 1 {
		return nil, failf("%d spans with tag %s=%v, want exactly 1", len(found), key, value)
	}
	return found[0], nil
}

// OneByName returns the single span with the operation name; none or more
// than one is an error.
func OneByName(spans []*mocktracer.SpanRecord, operation string) (*mocktracer.SpanRecord, error) {
	found := ByName(spans, operation)
	if len(found) != 1 {
		return nil, failf("%d spans named %q, want exactly 1", len(found), operation)
	}
	return found[0], nil
}

// TagCount returns how many tag keys of s start with prefix.
func TagCount(s *mocktracer.SpanRecord, prefix string) int {
	n := 0
	for k := range s.Tags {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

// ParentLast is opentracing-java's assertSameTrace: the last span of spans
// (in finish order) is the parent of every other one, each in its trace,
// and none finished after it.
func ParentLast(spans []*mocktracer.SpanRecord) error {
	if len(spans) == 0 {
		return failf("parent last: no spans")
	}
	parent := spans[len(spans)-1]
	var errs []error
	for _, s := range spans[:len(spans)-1] {
		if err := ChildOf(s, parent); err != nil {
			errs = append(errs, err)
		}
		if s.Finish.After(parent.Finish) {
			errs = append(errs, failf("%s finished after its parent %s", name(s), name(parent)))
		}
	}
	return errors.Join(errs...)
}

// SortByStart returns a copy of spans sorted by start time, ties broken by
// span id (ids follow start order in the MockTracer).
func SortByStart(spans []*mocktracer.SpanRecord) []*mocktracer.SpanRecord {
	out := append([]*mocktracer.SpanRecord(nil), spans...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.SpanID < b.SpanID
	})
	return out
}

// NoMisuse checks that the tracer recorded no misuse of the API (finish
// twice, use after finish, scope closed twice or out of order).
func NoMisuse(r Recorder) error {
	ms := r.Misuses()
	if len(ms) == 0 {
		return nil
	}
	lines := make([]string, len(ms))
	for i, m := range ms {
		lines[i] = fmt.Sprintf("%s on %q: %s", m.Kind, m.Operation, m.Detail)
	}
	return failf("%d misuses recorded: %s", len(ms), strings.Join(lines, "; "))
}

// AllFinishedOnce checks that every span the tracer started was finished,
// exactly once.
func AllFinishedOnce(r Recorder) error {
	var errs []error
	for _, s := range r.StartedRecords() {
		if n := s.Finishes; n != 1 {
			errs = append(errs, failf("%s finished %d times, want once", name(s), n))
		}
	}
	return errors.Join(errs...)
}
