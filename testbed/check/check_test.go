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

// fixture builds parent, child (of parent), other (a root) with a fixed
// clock that advances a second per reading.
func fixture(t *testing.T) (tr *mocktracer.MockTracer, parent, child, other *mocktracer.SpanRecord) {
	t.Helper()
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tr = mocktracer.New(mocktracer.WithClock(func() time.Time { now = now.Add(time.Second); return now }))
	p := tr.StartSpan("parent")
	c := tr.StartSpan("child", opentracing.ChildOf(p.Context()), opentracing.Tag{Key: "k", Value: "v"})
	o := tr.StartSpan("other", opentracing.IgnoreActiveSpan())
	c.Finish()
	o.Finish()
	p.Finish()
	return tr, p.(*mocktracer.MockSpan).Record(), c.(*mocktracer.MockSpan).Record(), o.(*mocktracer.MockSpan).Record()
}

func TestRelations(t *testing.T) {
	_, parent, child, other := fixture(t)
	tests := []struct {
		name    string
		err     error
		wantErr bool
	}{
		{"SameTrace child parent", check.SameTrace(child, parent), false},
		{"SameTrace other parent", check.SameTrace(other, parent), true},
		{"NotSameTrace other parent", check.NotSameTrace(other, parent), false},
		{"NotSameTrace child parent", check.NotSameTrace(child, parent), true},
		{"ChildOf child parent", check.ChildOf(child, parent), false},
		{"ChildOf parent child", check.ChildOf(parent, child), true},
		{"ChildOf other parent", check.ChildOf(other, parent), true},
		{"ChildOf nil", check.ChildOf(nil, parent), true},
		{"NotChildOf other parent", check.NotChildOf(other, parent), false},
		{"NotChildOf child parent", check.NotChildOf(child, parent), true},
		{"NoParent parent", check.NoParent(parent), false},
		{"NoParent child", check.NoParent(child), true},
		{"EmptySpan other", check.EmptySpan(other, "other"), false},
		{"EmptySpan child has a tag", check.EmptySpan(child, "child"), true},
		{"EmptySpan wrong name", check.EmptySpan(other, "x"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantErr {
				require.Error(t, tt.err)
				assert.True(t, errors.Is(tt.err, check.ErrCheck), "error %v does not wrap ErrCheck", tt.err)
			} else {
				assert.NoError(t, tt.err)
			}
		})
	}
}

func TestNamesAndLookups(t *testing.T) {
	tr, _, _, _ := fixture(t)
	spans := tr.FinishedRecords()
	child, parent := spans[0], spans[2]
	assert.NoError(t, check.NamesInOrder(spans, "child", "other", "parent"))
	assert.Error(t, check.NamesInOrder(spans, "child", "other"))
	assert.Error(t, check.NamesInOrder(spans, "other", "child", "parent"))
	assert.NoError(t, check.Count(spans, 3))
	assert.Error(t, check.Count(spans, 2))

	got, err := check.OneByTag(spans, "k", "v")
	require.NoError(t, err)
	assert.Same(t, child, got)
	_, err = check.OneByTag(spans, "k", "nope")
	assert.Error(t, err, "none found must be an error")
	got, err = check.OneByName(spans, "parent")
	require.NoError(t, err)
	assert.Same(t, parent, got)

	twice := append(spans, child)
	_, err = check.OneByName(twice, "child")
	assert.Error(t, err, "more than one must be an error")
	assert.Equal(t, 1, check.TagCount(child, "k"))
	assert.Equal(t, 0, check.TagCount(child, "x"))
}

func TestParentLast(t *testing.T) {
	tr, parent, child, other := fixture(t)
	assert.NoError(t, check.ParentLast([]*mocktracer.SpanRecord{child, parent}))
	assert.Error(t, check.ParentLast([]*mocktracer.SpanRecord{other, parent}), "other is not a child")
	assert.Error(t, check.ParentLast([]*mocktracer.SpanRecord{parent, child}), "parent is not last")
	assert.Error(t, check.ParentLast(nil))

	// A child that finishes after its parent breaks the order.
	p := tr.StartSpan("p")
	c := tr.StartSpan("c", opentracing.ChildOf(p.Context()))
	p.Finish()
	c.Finish()
	assert.Error(t, check.ParentLast([]*mocktracer.SpanRecord{c.(*mocktracer.MockSpan).Record(), p.(*mocktracer.MockSpan).Record()}))
}

func TestTracerChecks(t *testing.T) {
	tr, _, _, _ := fixture(t)
	assert.NoError(t, check.NoMisuse(tr))
	assert.NoError(t, check.AllFinishedOnce(tr))

	open := tr.StartSpan("open")
	assert.Error(t, check.AllFinishedOnce(tr), "an open span must be reported")
	open.Finish()
	assert.NoError(t, check.AllFinishedOnce(tr))
	open.Finish()
	assert.Error(t, check.AllFinishedOnce(tr), "a span finished twice must be reported")
	assert.Error(t, check.NoMisuse(tr), "finishing twice is a misuse")
}

func TestTree(t *testing.T) {
	tr, _, _, _ := fixture(t)
	want := "parent [trace 1 span 1] 0s..5s\n" +
		"  child [trace 1 span 2] 1s..3s k=v\n" +
		"other [trace 3 span 3] 2s..4s\n"
	assert.Equal(t, want, check.Tree(tr.FinishedRecords()))
	assert.Equal(t, "(no spans)\n", check.Tree(nil))
}

func TestDescribe(t *testing.T) {
	tr, parent, child, other := fixture(t)
	follower := tr.StartSpan("later", opentracing.FollowsFrom(mocktracer.MockSpanContext{TraceID: parent.TraceID, SpanID: parent.SpanID})).(*mocktracer.MockSpan).Record()
	// A foreign context first: the first mock reference still decides.
	both := tr.StartSpan("both", opentracing.ChildOf(opentracing.NoopTracer{}.StartSpan("x").Context()),
		opentracing.FollowsFrom(mocktracer.MockSpanContext{TraceID: child.TraceID, SpanID: child.SpanID})).(*mocktracer.MockSpan).Record()
	tests := []struct {
		span *mocktracer.SpanRecord
		want string
	}{
		{parent, `"parent" #1 (root)`},
		{child, `"child" #2 (child of #1)`},
		{other, `"other" #3 (root)`},
		{follower, `"later" #4 (follows #1)`},
		{both, `"both" #5 (follows #2)`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, check.Describe(tt.span))
	}
}

// TestOneByMoreThanOne: the one-by lookups fail when more than one distinct
// span matches, as when a scenario makes two "send" spans where it should
// make one, and say how many matched.
func TestOneByMoreThanOne(t *testing.T) {
	tr := mocktracer.New()
	for range 2 {
		tr.StartSpan("send", opentracing.Tag{Key: "k", Value: "v"}).Finish()
	}
	tr.StartSpan("other", opentracing.Tag{Key: "k", Value: "w"}).Finish()
	spans := tr.FinishedRecords()

	got, err := check.OneByTag(spans, "k", "v")
	assert.Nil(t, got)
	assert.True(t, errors.Is(err, check.ErrCheck), "OneByTag with two matches: %v", err)
	assert.ErrorContains(t, err, "2 spans with tag k=v")

	got, err = check.OneByName(spans, "send")
	assert.Nil(t, got)
	assert.True(t, errors.Is(err, check.ErrCheck), "OneByName with two matches: %v", err)
	assert.ErrorContains(t, err, `2 spans named "send"`)

	// One match is still found.
	got, err = check.OneByTag(spans, "k", "w")
	require.NoError(t, err)
	assert.Equal(t, "other", got.Operation)
}
