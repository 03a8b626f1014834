// Package statelesshandler is the stateless-request-handler scenario of
// the testbed (Java stateless_common_request_handler): one request
// handler, shared by every request, with a before hook that starts and
// activates the request's span and an after hook that finishes it. The
// handler keeps no state of its own between the two calls — the scope
// manager does, per task: the after hook closes whatever scope is active
// on the task it is called on, which must be the very Scope the before
// hook opened there, however the requests interleave on other tasks.
//
// Three requests run at once, each on a task of its own, with virtual
// sleeps before each hook that make all three after hooks fall due at one
// instant. The checks are the Java test's (three responses, three spans)
// plus what it left out: one span per request, a root each, carrying its
// own response; and, between the hooks, that the active Scope is the one
// the before hook returned.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get when the requests share one stack of scopes, or the
// after hook finishes the span without closing its scope.
package statelesshandler
