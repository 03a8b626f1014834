// Package listenerperrequest is the listener-per-request scenario of the
// testbed (Python and Java test_listener_per_request): a client starts a
// span for each request, without activating it, and hands it to a
// listener made for that request alone; when the response arrives, on
// another task, the listener handles it in the span and finishes it.
//
// Three requests are in flight at once, each with its own listener. The
// checks are the originals' (the response, one client span per request)
// plus that each span carries its own request's response, logged by its
// own listener, and was finished exactly once. On the stackcontext
// platform each request is sent in a stack context of its own that has
// returned by the time the response arrives: the listener activates its
// span in a context whose opener is gone.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bug you get when one listener is shared by every request.
package listenerperrequest
