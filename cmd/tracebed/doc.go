// Command tracebed explores the testbed's tracing scenarios under the
// deterministic scheduler: it runs every scenario on every platform over
// many seeds, reports failures with the command that replays them, and
// replays one run as a timeline with its span tree.
//
// Usage:
//
//	tracebed list
//	tracebed run [-seeds N] [-strategy random|pct|dfs|all] [-platform p,...] [-shard i/n] [-broken] [scenario ...]
//	tracebed replay -scenario X -platform P [-strategy S] -seed N [-chrome FILE]
//	tracebed replay -scenario X -platform P -schedule S [-chrome FILE]
//	tracebed version
//	tracebed <command> -h
//
// list prints the scenarios (with their broken variants), the platforms and
// the strategies.
//
// run explores the named scenarios (all by default) on each of their
// platforms (or those of -platform) with each strategy (or -strategy), N
// seeds each (for dfs, at most N schedules within the preemption bound),
// and prints a table: scenario, platform, strategy, runs, distinct
// schedules, failures, time. On a terminal a progress line is
// updated as it goes. -shard i/n runs only the seeds whose index is i mod
// n, so an exploration can be split across machines, each shard
// reproducible on its own; dfs, one search rather than a set of seeds,
// runs whole on shard 0 and not at all on the others. -broken explores the
// deliberately broken variants instead (a scenario's, or the one named as
// scenario/variant), and then a failure is the expected outcome. The exit
// status is 1 if any run failed (0 for -broken only if every variant was
// caught), and each failure is printed with its replay command.
//
// replay runs one seed (or one recorded schedule: one of -seed and
// -schedule is required) and prints the run's
// timeline, a lane per task with spans opening and closing and the
// scheduling decisions, then the span tree and the outcome. The output is
// byte-identical each time. -chrome FILE also writes the run in the Chrome
// trace-event format, a thread per task, which ui.perfetto.dev and
// chrome://tracing draw.
//
// version prints the module version (runtime/debug.ReadBuildInfo).
//
// SIGINT (Ctrl-C) during run stops it cleanly: the table of what was
// explored is printed, the row in progress marked "(cut short)", and the
// exit status is 130. -first-seed plus -seeds past 2^64 is a usage error.
//
// -h after a command prints its usage and flags. Bad usage prints one line
// and exits with status 2.
package main
