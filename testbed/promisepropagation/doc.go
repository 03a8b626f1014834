// Package promisepropagation is the promise-propagation scenario of the
// testbed (opentracing-java's promise_propagation): a Promise captures the
// active span when it is made; when it is resolved, each of its callbacks
// runs in a task of its own inside a span — "success" or "error" — that
// FOLLOWS_FROM the captured span and is active while the callback runs.
//
// The point of FOLLOWS_FROM is that the parent does not wait for its
// children: here the parent span "promises" is finished before any callback
// is done, every run. The checks close the gaps of the Java test: the
// callbacks' spans are in the parent's trace, they reference it with
// FOLLOWS_FROM, and each callback's log landed on its own span (the span
// active in its task). Making a Promise with nothing active is an error
// (ErrNoActiveSpan), not Java's later null dereference.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get when the active span is not kept per task.
package promisepropagation
