// Package activefinish is the activate/deactivate scenario of the testbed,
// from opentracing-java's activate_deactivate test and its
// AutoFinishScopeManager: a span whose end is tied to the last outstanding
// piece of work that uses it, not to the task that created it.
//
// An entry task starts span "parent", activates it in an [AutoFinishScope]
// (one reference), and schedules one or two actions; each action captures a
// [Continuation] on the entry task (one more reference each). The entry task
// then closes its scope and ends: the span stays open. Each action, when it
// runs, makes the span active again from its continuation, works, sets a
// tag test_tag_<n> and closes the scope, dropping its reference; the one
// that drops the last reference finishes the span, whichever it is. The
// reference count is guarded by a mutex from env.NewMutex, so under sim
// every lock is a scheduling point. The Python-side equivalent is an
// explicit RefCount (threads/multiple_callbacks).
//
// The checks: exactly one span, finished once, after the last action set
// its tag, with exactly one test_tag_ tag per action (Java checks the count;
// here the names too).
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get with a reference count that is not guarded.
package activefinish
