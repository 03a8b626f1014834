package commonrequest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// RequestTag is the tag BeforeRequest sets on each "send" span to the
// request's message, so that the checks can tell the requests apart.
const RequestTag = "request"

// RequestLatency is how long a request is on the wire, between the two
// hooks (virtual under sim, scaled down on real goroutines).
const RequestLatency = 10 * time.Millisecond

// RequestContext carries one request's state from BeforeRequest to
// AfterRequest: the hooks may run in different tasks, so the span is kept
// here rather than in the active scope.
type RequestContext struct {
	// Span is the request's "send" span, set by BeforeRequest.
	Span opentracing.Span

	scope opentracing.Scope // the broken variant activateinhook's
}

// RequestHandler is the middleware every request of a Client goes
// through. One handler is shared by all of them.
type RequestHandler struct {
	// Tracer starts the spans.
	Tracer opentracing.Tracer
	// Parent, if not nil, is the fixed parent of every request: the bad
	// solution to setting a parent.
	Parent opentracing.SpanContext
	// IgnoreActiveSpan makes every request a root (or a child of Parent)
	// whatever span is active. When false, the handler takes the implicitly
	// propagated parent instead: the span in the request's context.Context,
	// else the active span — the good solution, where the platform carries
	// it into the request's task.
	IgnoreActiveSpan bool

	// activate is set only by the broken variant activateinhook: the
	// handler activates the span in BeforeRequest and closes the scope in
	// AfterRequest, as if both hooks ran in one task.
	activate bool
}

// NewRequestHandler is Python's RequestHandler(tracer, context,
// ignore_active_span).
func NewRequestHandler(tracer opentracing.Tracer, parent opentracing.SpanContext, ignoreActiveSpan bool) *RequestHandler {
	return &RequestHandler{Tracer: tracer, Parent: parent, IgnoreActiveSpan: ignoreActiveSpan}
}

// BeforeRequest starts the client span "send" of the request and stores it
// in rc. It does not activate it: AfterRequest may run in another task.
func (h *RequestHandler) BeforeRequest(ctx context.Context, request string, rc *RequestContext) {
	opts := []opentracing.StartSpanOption{
		ext.SpanKindRPCClient,
		opentracing.Tag{Key: RequestTag, Value: request},
	}
	if h.IgnoreActiveSpan {
		// ChildOf(nil) is ignored: with no fixed parent the span is a root.
		rc.Span = h.Tracer.StartSpan("send", append(opts, opentracing.IgnoreActiveSpan(), opentracing.ChildOf(h.Parent))...)
	} else {
		rc.Span, _ = opentracing.StartSpanFromContextWithTracer(ctx, h.Tracer, "send", opts...)
	}
	if h.activate {
		rc.scope = h.Tracer.ScopeManager().Activate(rc.Span, false)
	}
}

// AfterRequest finishes the request's span.
func (h *RequestHandler) AfterRequest(_ context.Context, _ string, rc *RequestContext) {
	if rc.scope != nil {
		rc.scope.Close()
	}
	rc.Span.Finish()
}

// Client sends requests through its Handler.
type Client struct {
	// Env is the runtime the requests run on: its platform decides
	// whether the hooks run in new tasks, and its Sleep is the time on
	// the wire.
	Env env.Env
	// Handler is the middleware whose hooks every request goes through.
	Handler *RequestHandler
}

// Send sends one request and returns its response, "<msg>::response". On
// the platforms where the active span does not follow a task (goroutines,
// tasks) and on ctx, each hook runs in a new task that Send joins, as
// Python's threads and gevent variants and Java's pool do; on inherit and
// stackcontext the hooks are coroutines awaited in the calling task.
func (c *Client) Send(ctx context.Context, msg string) string {
	rc := &RequestContext{}
	c.hook("before "+msg, func() {
		c.Env.Logf("before_request %s", msg)
		c.Handler.BeforeRequest(ctx, msg, rc)
	})
	c.Env.Sleep(RequestLatency) // the request on the wire
	c.hook("after "+msg, func() {
		c.Env.Logf("after_request %s", msg)
		c.Handler.AfterRequest(ctx, msg, rc)
	})
	return msg + "::response"
}

// SendAsync sends the request in a new task and returns a future of its
// response: Python's Client.send, Java's Client.send.
func (c *Client) SendAsync(ctx context.Context, msg string) *env.Future[string] {
	f := env.NewFuture[string](c.Env)
	c.Env.Go("send "+msg, func() { f.Resolve(c.Send(ctx, msg)) })
	return f
}

func (c *Client) hook(name string, f func()) {
	switch c.Env.Platform().Propagation {
	case env.Inherit, env.Shared:
		f() // an awaited coroutine: the same task
	default:
		c.Env.Go(name, f).Join()
	}
}

// withParent runs f inside a span "parent": activated, or carried in the
// context on the ctx platform. On stackcontext it gets a stack context of
// its own, as the Tornado tests wrap it in tracer_stack_context.
func withParent(e env.Env, f func(ctx context.Context, parent opentracing.Span)) {
	tr := e.Tracer()
	e.StackContext(func() {
		if e.Platform().Propagation == env.Context {
			sp := tr.StartSpan("parent")
			defer sp.Finish()
			f(opentracing.ContextWithSpan(context.Background(), sp), sp)
			return
		}
		sc := tr.StartActiveSpan("parent")
		defer sc.Close()
		f(context.Background(), sc.Span())
	})
}

// response is the response of one request, read from its future.
func response(f *env.Future[string]) string { return f.Get() }

func checkResponses(got map[string]string) error {
	var errs []error
	for msg, resp := range got {
		if want := msg + "::response"; resp != want {
			errs = append(errs, fmt.Errorf("request %q: response %q, want %q", msg, resp, want))
		}
	}
	return errors.Join(errs...)
}

// run is the scenario: Python's test_two_callbacks (two concurrent requests
// through the shared default handler) while the root task runs
// test_parent_not_picked (a request with the default handler inside an
// active parent). concurrent is the handler of the two concurrent requests:
// the default one, or — in the broken variant — one that reads the active
// span.
func run(e env.Env, concurrent *RequestHandler) error {
	tr := e.Tracer()
	bg := context.Background()
	c := &Client{Env: e, Handler: concurrent}
	f1 := c.SendAsync(bg, "message1")
	f2 := c.SendAsync(bg, "message2")

	got := map[string]string{}
	withParent(e, func(ctx context.Context, _ opentracing.Span) {
		def := &Client{Env: e, Handler: NewRequestHandler(tr, nil, true)}
		got["no_parent"] = def.Send(ctx, "no_parent")
	})
	got["message1"], got["message2"] = response(f1), response(f2)
	return checkResponses(got)
}

// requests returns the send span of each message.
func requests(spans []*mocktracer.SpanRecord, msgs ...string) ([]*mocktracer.SpanRecord, error) {
	var (
		out  []*mocktracer.SpanRecord
		errs []error
	)
	for _, m := range msgs {
		s, err := check.OneByTag(spans, RequestTag, m)
		out = append(out, s)
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

func allClient(spans []*mocktracer.SpanRecord) error {
	sends := check.ByName(spans, "send")
	if n := len(check.ByTag(sends, string(ext.SpanKind), ext.SpanKindRPCClientEnum)); n != len(sends) {
		return fmt.Errorf("%w: %d of %d send spans have span.kind=client", check.ErrCheck, n, len(sends))
	}
	return nil
}

func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.Count(spans, 4); err != nil {
		return err
	}
	reqs, err1 := requests(spans, "message1", "message2", "no_parent")
	parent, err2 := check.OneByName(spans, "parent")
	if err := errors.Join(err1, err2, allClient(spans)); err != nil {
		return err
	}
	m1, m2, np := reqs[0], reqs[1], reqs[2]
	return errors.Join(
		// test_two_callbacks
		check.NoParent(m1), check.NoParent(m2), check.NotSameTrace(m1, m2),
		// test_parent_not_picked
		check.NotChildOf(np, parent), check.NoParent(np), check.NotSameTrace(np, parent),
		check.NoParent(parent),
	)
}

// Scenario is the common-request-handler scenario, registered in package
// testbed: concurrent requests through the shared default handler, and one
// inside an active parent that must not pick it up.
var Scenario = env.Scenario{
	Name:      "commonrequest",
	Summary:   "one request handler shared by concurrent requests: each send is its own trace, never picking up the active span",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, NewRequestHandler(e.Tracer(), nil, true)) },
	Check:     checkSpans,
	Broken: []env.Broken{{
		Name:     "leaky",
		Summary:  "the concurrent requests use the good solution's handler (it reads the active span) under a scope manager shared by all tasks: a request that starts while the root's parent is active becomes its child",
		Platform: env.Inheriting,
		Manager:  env.Leaky,
		Run:      func(e env.Env) error { return run(e, NewRequestHandler(e.Tracer(), nil, false)) },
	}},
}

// runBad is test_bad_solution_to_set_parent: a handler built with the
// parent's context inside the parent; one request inside it, one after.
func runBad(e env.Env) error { return runBadHandler(e, false) }

// runBadHandler is runBad; activate plants the bug of the broken variant
// activateinhook in the handler.
func runBadHandler(e env.Env, activate bool) error {
	tr := e.Tracer()
	var c *Client
	got := map[string]string{}
	withParent(e, func(ctx context.Context, parent opentracing.Span) {
		h := NewRequestHandler(tr, parent.Context(), true)
		h.activate = activate
		c = &Client{Env: e, Handler: h}
		got["correct_parent"] = c.Send(ctx, "correct_parent")
	})
	got["wrong_parent"] = c.Send(context.Background(), "wrong_parent")
	return checkResponses(got)
}

// checkBad asserts the documented wrong outcome: BOTH requests are
// children of parent, the one sent after it ended too.
func checkBad(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.Count(spans, 3); err != nil {
		return err
	}
	reqs, err1 := requests(spans, "correct_parent", "wrong_parent")
	parent, err2 := check.OneByName(spans, "parent")
	if err := errors.Join(err1, err2, allClient(spans)); err != nil {
		return err
	}
	return errors.Join(
		check.NamesInOrder(check.SortByStart(spans), "parent", "send", "send"),
		check.NoParent(parent),
		check.ChildOf(reqs[0], parent),
		check.ChildOf(reqs[1], parent), // wrong, and documented: the parent is fixed per handler
	)
}

// BadSolution is Python's test_bad_solution_to_set_parent (Java's
// bad_solution_to_set_parent): the handler is built with a fixed parent
// context, so the request sent after the parent ended is still its child.
// Its Check asserts that wrong outcome, so a run passes when the lesson
// holds: registered in package testbed, it is a lesson, not a failure. It
// runs the same on every platform: the fixed context does not depend on
// propagation.
var BadSolution = env.Scenario{
	Name:      "commonrequest-badsolution",
	Summary:   "handler with a fixed parent context: the request sent after the parent ended is its child too (the documented wrong outcome, asserted)",
	Platforms: env.Platforms(),
	Run:       runBad,
	Check:     checkBad,
	Broken: []env.Broken{{
		Name: "activateinhook",
		Summary: "the handler activates the request's span in BeforeRequest and closes the scope in AfterRequest, " +
			"but the two hooks run in different tasks: the first ends with the span active and the second closes " +
			"a scope of another task (every schedule)",
		Platform: env.Tasks,
		Run:      func(e env.Env) error { return runBadHandler(e, true) },
	}},
}

// runGood is test_good_solution_to_set_parent: a handler that reads the
// implicitly propagated parent; one request sent (in a new task, joined)
// inside the parent, one after it.
func runGood(e env.Env) error {
	c := &Client{Env: e, Handler: NewRequestHandler(e.Tracer(), nil, false)}
	got := map[string]string{}
	withParent(e, func(ctx context.Context, _ opentracing.Span) {
		got["correct_parent"] = response(c.SendAsync(ctx, "correct_parent"))
	})
	got["wrong_parent"] = response(c.SendAsync(context.Background(), "wrong_parent"))
	return checkResponses(got)
}

func checkGood(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.Count(spans, 3); err != nil {
		return err
	}
	reqs, err1 := requests(spans, "correct_parent", "wrong_parent")
	parent, err2 := check.OneByName(spans, "parent")
	if err := errors.Join(err1, err2, allClient(spans)); err != nil {
		return err
	}
	return errors.Join(
		check.NamesInOrder(check.SortByStart(spans), "parent", "send", "send"),
		check.NoParent(parent),
		check.ChildOf(reqs[0], parent),
		check.NoParent(reqs[1]),
		check.NotSameTrace(reqs[1], parent),
	)
}

// GoodSolution is Python's test_good_solution_to_set_parent: the handler
// reads the implicitly propagated parent, so only the request sent inside
// the parent is its child. It needs a platform that carries the parent into
// the request's task: inherit (a copy of the active scope), stackcontext
// (the shared context) or ctx (the span in the context.Context). On
// goroutines and tasks the request's hooks start with nothing active and
// the first request gets no parent: that is why those platforms need the
// bad solution. Registered in package testbed, it is the part of the
// scenario that runs a caller's scope manager on implicit propagation.
var GoodSolution = env.Scenario{
	Name:      "commonrequest-goodsolution",
	Summary:   "handler reading the implicitly propagated parent: only the request inside the parent is its child",
	Platforms: []env.Platform{env.Inheriting, env.StackContext, env.Ctx},
	Run:       runGood,
	Check:     checkGood,
	Broken: []env.Broken{
		{
			Name: "fixedparent",
			Summary: "the bad solution's handler, built with the parent's context, where the good one's outcome is wanted: " +
				"the request sent after the parent ended is its child too (every schedule)",
			Platform: env.Inheriting,
			Run:      runBad,
		},
		{
			Name: "nopropagation",
			Summary: "the good solution where nothing carries the active span into the request's tasks (the tasks platform): " +
				"the request sent inside the parent gets no parent (every schedule)",
			Platform: env.Tasks,
		},
	},
}
