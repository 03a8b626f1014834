// Package subtaskpropagation is the subtask-span-propagation scenario of
// the testbed (Python test_subtask_span_propagation): a parent task's
// active span is handed to a subtask, which records its work in a child
// span; the parent finishes its span only after the subtask has returned.
//
// Python's platform files disagree on where the subtask runs: the threads
// and gevent forms spawn it on a thread or greenlet of its own and wait for
// it, the asyncio form awaits it in the parent's own task and still
// re-activates the span it was handed. This scenario runs both, one after
// the other, in one parent span: the spawned subtask, then the awaited one.
// The awaited subtask re-activates a span that is already active — over
// itself — and starts its child in that scope: three scopes deep in one
// task. It checks, at each step, that the active Scope is the very one
// the last Activate returned, so a manager that is wrong only when a span
// is activated over itself, or only three deep, fails here.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get when the parent does not wait.
package subtaskpropagation
