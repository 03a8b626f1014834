package check

import (
	"errors"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// FollowsFrom checks that child refers to parent with a FOLLOWS_FROM
// reference and to nothing by CHILD_OF, in parent's trace: the link of a
// span that may outlive the one it came from (Java's actor and promise
// scenarios). The MockTracer takes the parent id from a FOLLOWS_FROM
// reference too, so the id must be parent's.
func FollowsFrom(child, parent *mocktracer.MockSpan) error {
	if child == nil || parent == nil {
		return failf("follows from: %s, %s", name(child), name(parent))
	}
	var errs []error
	found := false
	for _, r := range child.References() {
		sc, ok := mockContext(r.ReferencedContext)
		switch {
		case r.Type == opentracing.ChildOfRef:
			errs = append(errs, failf("%s has a CHILD_OF reference, want only FOLLOWS_FROM %s", name(child), name(parent)))
		case ok && sc.SpanID == parent.SpanID():
			found = true
		}
	}
	if !found {
		errs = append(errs, failf("%s has no FOLLOWS_FROM reference to %s (references %v)", name(child), name(parent), child.References()))
	}
	if child.ParentID() != parent.SpanID() {
		errs = append(errs, failf("%s has parent id %d, want %s's", name(child), child.ParentID(), name(parent)))
	}
	errs = append(errs, SameTrace(child, parent))
	return errors.Join(errs...)
}

// mockContext returns the MockTracer context a reference points to.
func mockContext(sc opentracing.SpanContext) (mocktracer.MockSpanContext, bool) {
	switch c := sc.(type) {
	case mocktracer.MockSpanContext:
		return c, true
	case *mocktracer.MockSpanContext:
		if c != nil {
			return *c, true
		}
	}
	return mocktracer.MockSpanContext{}, false
}

// FinishedBefore checks that earlier finished before later: earlier comes
// first in finished (the tracer's FinishedSpans, in finish order) and its
// finish time is not after later's. The order in the list decides when the
// times are equal, as they are for spans finished at one instant of a sim
// run's virtual time.
func FinishedBefore(finished []*mocktracer.MockSpan, earlier, later *mocktracer.MockSpan) error {
	if earlier == nil || later == nil {
		return failf("finished before: %s, %s", name(earlier), name(later))
	}
	i, j := indexOf(finished, earlier), indexOf(finished, later)
	switch {
	case i < 0:
		return failf("%s is not among the finished spans", name(earlier))
	case j < 0:
		return failf("%s is not among the finished spans", name(later))
	case i > j:
		return failf("%s finished after %s, want before", name(earlier), name(later))
	case i == j:
		return failf("finished before: %s is the same span as %s", name(earlier), name(later))
	case earlier.FinishTime().After(later.FinishTime()):
		return failf("%s finished at %v, after %s at %v", name(earlier), earlier.FinishTime(), name(later), later.FinishTime())
	}
	return nil
}

func indexOf(spans []*mocktracer.MockSpan, s *mocktracer.MockSpan) int {
	for i, x := range spans {
		if x == s {
			return i
		}
	}
	return -1
}
