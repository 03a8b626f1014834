// Package suspendresume is the suspend-resume scenario of the testbed
// (Java suspend_resume_propagation): two jobs, each with a span of its
// own, are interleaved on one task — suspended and resumed part by part
// as their events arrive, in whatever order two producers send them. Each
// resume activates the job's span for the part and closes the scope when
// the part is done, so the jobs never become each other's parents.
//
// The checks are the Java test's — two spans, job 1 then job 2, both
// roots — plus what it left out: each job's span holds exactly its own
// parts' logs, in order, and while a part runs the active Scope is the one
// its resume returned.
//
// See README.md for the pattern, a timeline of one run and the bug you get
// when a job stays active between its parts.
package suspendresume
