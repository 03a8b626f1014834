// Package activereplace is the active-span-replacement scenario of the
// testbed (Python and Java test_active_span_replacement): a span started
// in one place, "initial", is handed to a task that has its own active
// span, "task". The task makes initial active for a while — replacing its
// own active span with one of another trace — and finishes it; then its
// own span must be active again, so that the "subtask" it starts next is a
// child of task, not of initial.
//
// The checks are the originals' — initial, subtask, task in finish order,
// subtask a child of task in its trace, initial a root in a trace of its
// own — plus, at each step of the task, that the active Scope is the very
// one the last Activate returned: after the replacement closes, the Scope
// of task, not merely a scope of its span.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get when the replaced span is not restored.
package activereplace
