package check_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
)

// assertCheck asserts err's outcome: nil when ok, else a check failure.
func assertCheck(t *testing.T, err error, ok bool) {
	t.Helper()
	if ok {
		assert.NoError(t, err)
		return
	}
	require.Error(t, err)
	assert.True(t, errors.Is(err, check.ErrCheck), "error %v does not wrap ErrCheck", err)
}

func TestFollowsFrom(t *testing.T) {
	tr := mocktracer.New()
	producer := tr.StartSpan("producer").(*mocktracer.MockSpan)
	other := tr.StartSpan("other", opentracing.IgnoreActiveSpan()).(*mocktracer.MockSpan)
	follower := tr.StartSpan("follower", opentracing.FollowsFrom(producer.Context())).(*mocktracer.MockSpan)
	child := tr.StartSpan("child", opentracing.ChildOf(producer.Context())).(*mocktracer.MockSpan)
	both := tr.StartSpan("both", opentracing.FollowsFrom(producer.Context()), opentracing.ChildOf(producer.Context())).(*mocktracer.MockSpan)
	elsewhere := tr.StartSpan("elsewhere", opentracing.FollowsFrom(other.Context())).(*mocktracer.MockSpan)
	tests := []struct {
		name          string
		child, parent *mocktracer.MockSpan
		ok            bool
	}{
		{"follows from its producer", follower, producer, true},
		{"a CHILD_OF child", child, producer, false},
		{"FOLLOWS_FROM and CHILD_OF", both, producer, false},
		{"follows from another span", elsewhere, producer, false},
		{"a root", other, producer, false},
		{"reversed", producer, follower, false},
		{"nil child", nil, producer, false},
		{"nil parent", follower, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertCheck(t, check.FollowsFrom(tt.child, tt.parent), tt.ok) })
	}
}

func TestFinishedBefore(t *testing.T) {
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	frozen := false
	tr := mocktracer.New(mocktracer.WithClock(func() time.Time {
		if !frozen {
			now = now.Add(time.Second)
		}
		return now
	}))
	a := tr.StartSpan("a").(*mocktracer.MockSpan)
	b := tr.StartSpan("b").(*mocktracer.MockSpan)
	a.Finish()
	b.Finish()
	// c and d finish at one instant, as in a sim run: the order decides.
	frozen = true
	c := tr.StartSpan("c").(*mocktracer.MockSpan)
	d := tr.StartSpan("d").(*mocktracer.MockSpan)
	c.Finish()
	d.Finish()
	open := tr.StartSpan("open").(*mocktracer.MockSpan)
	finished := tr.FinishedSpans()

	// A list whose order contradicts the times is caught too.
	late := []*mocktracer.MockSpan{b, a}

	tests := []struct {
		name           string
		finished       []*mocktracer.MockSpan
		earlier, later *mocktracer.MockSpan
		ok             bool
	}{
		{"in order", finished, a, b, true},
		{"reversed", finished, b, a, false},
		{"same instant, in order", finished, c, d, true},
		{"same instant, reversed", finished, d, c, false},
		{"same span", finished, a, a, false},
		{"not finished", finished, a, open, false},
		{"not finished first", finished, open, a, false},
		{"times contradict the list", late, b, a, false},
		{"nil", finished, nil, a, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertCheck(t, check.FinishedBefore(tt.finished, tt.earlier, tt.later), tt.ok) })
	}
	open.Finish()
}
