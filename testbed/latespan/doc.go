// Package latespan is the late-span-finish scenario of the testbed (Python
// and Java late_span_finish): a parent span has a lifetime of its own,
// longer than the asynchronous subtasks it is the parent of. Each subtask
// makes the parent active again — without finishing it — and does its work
// in a child span; the parent's owner finishes it last, from outside, once
// every subtask has ended.
//
// The checks are the originals': three spans, task1, task2 and parent in
// finish order, each task in the parent's trace, its child, and finished no
// later than the parent; plus the testbed's own (no misuse, every span
// finished once, no scope left active).
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get when a subtask finishes the parent it only borrowed.
package latespan
