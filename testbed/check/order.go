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
func FollowsFrom(child, parent *mocktracer.SpanRecord) error {
	if child == nil || parent == nil {
		return failf("follows from: %s, %s", name(child), name(parent))
	}
	var errs []error
	found := false
	for _, r := range child.References {
		switch {
		case r.Type == opentracing.ChildOfRef:
			errs = append(errs, failf("%s has a CHILD_OF reference, want only FOLLOWS_FROM %s", name(child), name(parent)))
		case r.SpanID == parent.SpanID && r.TraceID == parent.TraceID:
			found = true
		}
	}
	if !found {
		errs = append(errs, failf("%s has no FOLLOWS_FROM reference to %s (references %v)", name(child), name(parent), child.References))
	}
	if child.ParentID != parent.SpanID {
		errs = append(errs, failf("%s has parent id %d, want %s's", name(child), child.ParentID, name(parent)))
	}
	errs = append(errs, SameTrace(child, parent))
	return errors.Join(errs...)
}

// FinishedBefore checks that earlier finished before later: earlier comes
// first in finished (the tracer's FinishedSpans, in finish order) and its
// finish time is not after later's. The order in the list decides when the
// times are equal, as they are for spans finished at one instant of a sim
// run's virtual time.
func FinishedBefore(finished []*mocktracer.SpanRecord, earlier, later *mocktracer.SpanRecord) error {
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
	case earlier.Finish.After(later.Finish):
		return failf("%s finished at %v, after %s at %v", name(earlier), earlier.Finish, name(later), later.Finish)
	}
	return nil
}

func indexOf(spans []*mocktracer.SpanRecord, s *mocktracer.SpanRecord) int {
	for i, x := range spans {
		if x.SpanID == s.SpanID && x.TraceID == s.TraceID {
			return i
		}
	}
	return -1
}
