// Package multiplecallbacks is the multiple-callbacks scenario of the
// testbed (Python and Java multiple_callbacks): one parent span covers
// several asynchronous callbacks started at the same time, each making a
// child span of its own, and the parent must finish only after all of them.
//
// How the parent waits depends on the platform: with spans passed by hand
// (goroutines, tasks) a reference count attached to the parent lets the last
// holder finish it (the Python threads test's RefCount); elsewhere the owner
// waits for the children, as asyncio's gather does.
//
// On the stackcontext platform the scenario also shows Tornado's documented
// "multiple yield" limitation: children that run concurrently in one stack
// context share its active span, so they must not activate spans of their
// own. The broken variant multipleyield does exactly that and gets
// mixed-up parents and out-of-order closes; the same code passes on the
// inherit platform, where each child has its own copy of the context.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get when it is done wrong.
package multiplecallbacks
