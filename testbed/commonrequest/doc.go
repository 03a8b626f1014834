// Package commonrequest is the common-request-handler scenario of the
// testbed (opentracing-python's common_request_handler, opentracing-java's
// concurrent_common_request_handler): one RequestHandler is shared by every
// request a Client sends, like middleware. BeforeRequest starts a client
// span "send" and AfterRequest finishes it; the two hooks of one request may
// run in different tasks, so the handler cannot keep its span active between
// them and must store it in the request's RequestContext.
//
// The shared handler must not pick up a parent by accident: with
// IgnoreActiveSpan (the default), concurrent requests are each the root of
// their own trace, even inside an active span. Setting a parent has two
// solutions. The bad one builds a handler with a fixed parent context: every
// later request, even one sent after the parent ended, becomes its child
// (BadSolution asserts that documented wrong outcome). The good one lets the
// handler read the implicitly propagated parent — the active span where
// the platform carries it into the request's task (inherit, stackcontext),
// or the span in a context.Context (ctx) — so only the request sent inside
// the parent is its child (GoodSolution).
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bug you get when the good solution runs on a scope manager that does
// not keep the active span per task.
package commonrequest
