// Package nestedcallbacks is the nested-callbacks scenario of the testbed:
// a span is handed down a fire-and-forget chain of three nested tasks. Each
// task makes the span active (or, where the platform propagates it, finds it
// already active), sets one tag, and spawns the next without waiting for it;
// the last task finishes the span. Nobody joins the chain, so the span's end
// is owned by whichever task happens to be last, not by the task that
// started it.
//
// The checks close the gap of the Python original: exactly one span, named
// "one", with exactly three tags key1, key2, key3 = "1", "2", "3" (Java
// checked the count, Python did not).
//
// The package's tests also carry opentracing-python's contextvars
// scheduling tests (TestAsyncioContextVarsScheduleInLoop): callbacks and
// tasks scheduled on an event loop copy the active scope at the moment they
// are scheduled, recursive scheduling parents each span to the previous one
// even after it finished, IgnoreActiveSpan and a "no parent" scope cut the
// chain. They run directly under sim with scope.Inheriting and sim.Loop.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bug you get when a task reads the active span instead of activating
// the span it was handed.
package nestedcallbacks
