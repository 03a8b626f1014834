package opentracing_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/opentracing"
)

// TestNewStartSpanOptions_Model checks NewStartSpanOptions against a
// model on random option lists: references keep their order and drop nil
// contexts, later tags and times override earlier ones, the last
// FinishOnClose wins, and the active span becomes the CHILD_OF parent
// exactly when no reference survived and IgnoreActiveSpan was not given.
func TestNewStartSpanOptions_Model(t *testing.T) {
	contexts := []opentracing.SpanContext{nil, ctxNamed("a"), ctxNamed("b")}
	active := &recSpan{ctx: &recContext{"active"}}
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	rapid.Check(t, func(t *rapid.T) {
		sm := &stackManager{}
		if rapid.Bool().Draw(t, "active") {
			defer sm.Activate(active, false).Close()
		}
		var (
			opts     []opentracing.StartSpanOption
			wantRefs []opentracing.SpanReference
			wantTags map[string]any
			wantTime time.Time
			ignore   bool
			keepOpen bool
		)
		setTag := func(k string, v any) {
			if wantTags == nil {
				wantTags = map[string]any{}
			}
			wantTags[k] = v
		}
		n := rapid.IntRange(0, 8).Draw(t, "n")
		for i := range n {
			switch rapid.IntRange(0, 6).Draw(t, "kind") {
			case 0, 1:
				typ := opentracing.ChildOfRef
				if rapid.Bool().Draw(t, "follows") {
					typ = opentracing.FollowsFromRef
				}
				ref := opentracing.SpanReference{Type: typ, ReferencedContext: rapid.SampledFrom(contexts).Draw(t, "ctx")}
				opts = append(opts, ref)
				if ref.ReferencedContext != nil {
					wantRefs = append(wantRefs, ref)
				}
			case 2:
				k, v := rapid.SampledFrom([]string{"x", "y"}).Draw(t, "key"), i
				opts = append(opts, opentracing.Tag{Key: k, Value: v})
				setTag(k, v)
			case 3:
				tags := opentracing.Tags{}
				for _, k := range rapid.SliceOfDistinct(rapid.SampledFrom([]string{"x", "y", "z"}), rapid.ID[string]).Draw(t, "keys") {
					tags[k] = -i
					setTag(k, -i)
				}
				opts = append(opts, tags)
			case 4:
				at := epoch.Add(time.Duration(i) * time.Second)
				opts = append(opts, opentracing.StartTime(at))
				wantTime = at
			case 5:
				opts = append(opts, opentracing.IgnoreActiveSpan())
				ignore = true
			case 6:
				finish := rapid.Bool().Draw(t, "finish")
				opts = append(opts, opentracing.FinishOnClose(finish))
				keepOpen = !finish
			}
		}
		if len(wantRefs) == 0 && !ignore && sm.Active() != nil {
			wantRefs = []opentracing.SpanReference{opentracing.ChildOf(active.Context())}
		}

		got := opentracing.NewStartSpanOptions(sm, opts...)
		if !slices.Equal(got.References, wantRefs) {
			t.Fatalf("References = %v, want %v", got.References, wantRefs)
		}
		if !maps.Equal(got.Tags, wantTags) {
			t.Fatalf("Tags = %v, want %v", got.Tags, wantTags)
		}
		if !got.StartTime.Equal(wantTime) || got.IgnoreActiveSpan != ignore || got.KeepOpenOnClose != keepOpen {
			t.Fatalf("StartTime, IgnoreActiveSpan, KeepOpenOnClose = %v, %v, %v; want %v, %v, %v",
				got.StartTime, got.IgnoreActiveSpan, got.KeepOpenOnClose, wantTime, ignore, keepOpen)
		}
	})
}
