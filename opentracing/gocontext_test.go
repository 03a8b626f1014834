package opentracing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
)

func TestContextWithSpan(t *testing.T) {
	tr := newRecTracer()
	sp := tr.StartSpan("a")
	ctx := opentracing.ContextWithSpan(context.Background(), sp)
	assert.Same(t, sp, opentracing.SpanFromContext(ctx))
	assert.Nil(t, opentracing.SpanFromContext(context.Background()))

	inner := tr.StartSpan("b")
	ctx2 := opentracing.ContextWithSpan(ctx, inner)
	assert.Same(t, inner, opentracing.SpanFromContext(ctx2))
	assert.Same(t, sp, opentracing.SpanFromContext(ctx), "the parent context is unchanged")

	assert.Nil(t, opentracing.SpanFromContext(opentracing.ContextWithSpan(ctx, nil)), "a nil span hides the outer one")
}

// The key type is private: a string key with the same text does not
// collide.
func TestContextWithSpan_NoKeyCollision(t *testing.T) {
	//lint:ignore SA1029 a string key is the point of the test.
	ctx := context.WithValue(context.Background(), "activeSpanKey", "not a span")
	assert.Nil(t, opentracing.SpanFromContext(ctx))
}

func TestStartSpanFromContextWithTracer(t *testing.T) {
	tr := newRecTracer()

	root, ctx := opentracing.StartSpanFromContextWithTracer(context.Background(), tr, "root")
	assert.Empty(t, tr.last().References, "no span in ctx: no reference")
	assert.Same(t, root, opentracing.SpanFromContext(ctx))

	other := ctxNamed("other")
	opts := make([]opentracing.StartSpanOption, 1, 4)
	opts[0] = opentracing.FollowsFrom(other)
	child, ctx2 := opentracing.StartSpanFromContextWithTracer(ctx, tr, "child", opts...)
	assert.Equal(t, []opentracing.SpanReference{
		opentracing.ChildOf(root.Context()),
		opentracing.FollowsFrom(other),
	}, tr.last().References, "the ctx span is CHILD_OF parent, ahead of the given references")
	assert.Same(t, child, opentracing.SpanFromContext(ctx2))
	assert.Same(t, root, opentracing.SpanFromContext(ctx))
	assert.Nil(t, opts[:2][1], "the caller's slice is not appended to")
}

func TestStartSpanFromContextWithTracer_CtxParentBeatsActive(t *testing.T) {
	tr := newRecTracer()
	active := tr.StartSpan("active")
	scope := tr.sm.Activate(active, false)
	defer scope.Close()

	ctxParent := tr.StartSpan("ctx parent")
	ctx := opentracing.ContextWithSpan(context.Background(), ctxParent)
	_, _ = opentracing.StartSpanFromContextWithTracer(ctx, tr, "child")
	assert.Equal(t, []opentracing.SpanReference{opentracing.ChildOf(ctxParent.Context())}, tr.last().References)

	_, _ = opentracing.StartSpanFromContextWithTracer(context.Background(), tr, "child of active")
	assert.Equal(t, []opentracing.SpanReference{opentracing.ChildOf(active.Context())}, tr.last().References,
		"with no span in ctx the tracer's implicit parent applies")
}

func TestStartSpanFromContext_UsesGlobalTracer(t *testing.T) {
	resetGlobal(t)
	tr := newRecTracer()
	opentracing.SetGlobalTracer(tr)
	sp, ctx := opentracing.StartSpanFromContext(context.Background(), "op")
	require.NotNil(t, sp)
	assert.Same(t, tr, sp.Tracer())
	assert.Same(t, sp, opentracing.SpanFromContext(ctx))
}
