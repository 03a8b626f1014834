package clientserver

import (
	"errors"
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// Message is what travels on the queue: the payload and the injected span
// context.
type Message struct {
	// Body is the payload; the server logs it on its "receive" span.
	Body string
	// Headers carry the client span's context, injected by Send in the
	// TextMap format.
	Headers opentracing.TextMapCarrier
}

// Client sends messages with the current span's context injected.
type Client struct {
	// Tracer starts the "send" span and injects its context.
	Tracer opentracing.Tracer
	// Queue is where Send puts each Message.
	Queue *env.Queue[Message]

	// afterPut, if set, runs between the Put and the end of the span: the
	// broken variant noextractawait yields there, as an awaited put does.
	afterPut func()
}

// Send starts the active span "send", injects its context into the message
// and puts the message on the queue.
func (c *Client) Send(body string) error {
	sc := c.Tracer.StartActiveSpan("send", ext.SpanKindRPCClient, opentracing.Tag{Key: string(ext.Component), Value: "example-client"})
	defer sc.Close()
	msg := Message{Body: body, Headers: opentracing.TextMapCarrier{}}
	if err := c.Tracer.Inject(sc.Span().Context(), opentracing.TextMap, msg.Headers); err != nil {
		return fmt.Errorf("client: inject: %w", err)
	}
	c.Queue.Put(msg)
	if c.afterPut != nil {
		c.afterPut()
	}
	return nil
}

// Server takes messages off the queue and handles each in a span that is a
// child of the extracted context.
type Server struct {
	// Tracer extracts each message's context and starts the "receive"
	// spans.
	Tracer opentracing.Tracer
	// Queue is where Serve takes the messages from.
	Queue *env.Queue[Message]
	// SkipExtract is true only in the broken variant: the server then
	// takes the active span as parent instead of the message's context.
	SkipExtract bool
}

// Serve handles n messages.
func (s *Server) Serve(n int) error {
	for i := 0; i < n; i++ {
		msg := s.Queue.Get()
		opts := []opentracing.StartSpanOption{ext.SpanKindRPCServer, opentracing.Tag{Key: string(ext.Component), Value: "example-server"}}
		if !s.SkipExtract {
			parent, err := s.Tracer.Extract(opentracing.TextMap, msg.Headers)
			if err != nil {
				return fmt.Errorf("server: extract: %w", err)
			}
			opts = append(opts, opentracing.ChildOf(parent))
		}
		sc := s.Tracer.StartActiveSpan("receive", opts...)
		sc.Span().LogKV("event", "received", "body", msg.Body)
		sc.Close()
	}
	return nil
}

// bugs are the deliberate mistakes of the broken variants.
type bugs struct {
	// skipExtract: the server takes the active span as parent.
	skipExtract bool
	// awaitPut: the client yields after its Put, still in its span.
	awaitPut bool
}

// run is the scenario: a server task and the client on the root task, each
// in its own stack context (on the stackcontext platform, two sides that
// shared one would close each other's scopes out of order).
func run(e env.Env, b bugs) error {
	q := env.NewQueue[Message](e, 10)
	tr := e.Tracer()
	errc := env.NewFuture[error](e)
	e.Go("server", func() {
		e.StackContext(func() {
			errc.Resolve((&Server{Tracer: tr, Queue: q, SkipExtract: b.skipExtract}).Serve(1))
		})
	})
	c := &Client{Tracer: tr, Queue: q}
	if b.awaitPut {
		c.afterPut = func() {
			e.Logf("client: await the put, the span still active")
			e.Yield()
		}
	}
	var err error
	e.StackContext(func() {
		err = c.Send("hello")
	})
	if err != nil {
		return err
	}
	return errc.Get()
}

func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.Count(spans, 2); err != nil {
		return err
	}
	client, err1 := check.OneByTag(spans, string(ext.SpanKind), ext.SpanKindRPCClientEnum)
	server, err2 := check.OneByTag(spans, string(ext.SpanKind), ext.SpanKindRPCServerEnum)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	return check.ChildOf(server, client)
}

// Scenario is the client/server scenario, registered in package testbed.
var Scenario = env.Scenario{
	Name:      "clientserver",
	Summary:   "TextMap inject -> queue -> extract: the server span is a child of the client span",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, bugs{}) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name: "noextract",
			Summary: "the server skips Extract and takes the active span as parent, under a scope manager shared by all tasks: " +
				"the client closes its span right after the Put, before the server can take the message, so the server never " +
				"sees it active and its span is a root of its own trace (every schedule)",
			Platform: env.Tasks,
			Manager:  env.Leaky,
			Run:      func(e env.Env) error { return run(e, bugs{skipExtract: true}) },
		},
		{
			Name: "noextractawait",
			Summary: "the same mistake with a client that yields after its Put, still in its span (an awaited put): " +
				"right only when the server takes the message during that yield and the client closes its span before the server task ends " +
				"(depends on the interleaving)",
			Platform: env.Tasks,
			Manager:  env.Leaky,
			Run:      func(e env.Env) error { return run(e, bugs{skipExtract: true, awaitPut: true}) },
		},
	},
}
