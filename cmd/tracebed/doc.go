// Command tracebed explores the testbed's tracing scenarios under the
// deterministic scheduler: it runs every scenario on every platform over
// many seeds, reports failures with the command that replays them, and
// replays one run as a timeline with its span tree.
//
// Usage:
//
//	tracebed list [-json]
//	tracebed run [-seeds N] [-strategy random|pct|dfs|all] [-platform p,...] [-shard i/n] [-broken] [-json] [scenario ...]
//	tracebed replay -scenario X -platform P [-strategy S] -seed N [-json] [-chrome FILE]
//	tracebed replay -scenario X -platform P -schedule S [-json] [-chrome FILE]
//	tracebed diff -scenario X (-seed A -seed2 B | -schedule A -schedule2 B) [-html FILE]
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
// redrawn as it goes; on any other stderr (a CI log, a pipe) a line
// "tracebed: progress: N/TOTAL runs  scenario on platform (strategy)" is
// printed every 5 seconds. -shard i/n runs only the seeds whose index is i mod
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
// diff runs two runs of one scenario and prints where their schedules first
// diverge and how their span trees differ.
//
// # JSON
//
// With -json, list, run and replay print JSON objects instead of text, one
// a line (JSON Lines), with these fields:
//
// list: one object per scenario, broken variant, platform and strategy.
//
//	kind         "scenario", "variant", "platform" or "strategy"
//	name         its name (a variant's is scenario/variant)
//	summary      what it is, in a line
//	platforms    a scenario's platforms; a variant's one (scenario, variant)
//	propagation  a platform's propagation style (platform)
//	real         true for a platform that also runs on real goroutines (platform)
//
// run: one object per row of the table (a scenario or variant on a platform
// with a strategy), printed as its exploration ends; no total row. Remarks
// ("nothing to run on shard ...") go to stderr.
//
//	scenario, platform, strategy  what was explored
//	runs, distinct, failures      runs made, distinct schedules, failing runs
//	pct_k                         pct rows: the task decisions per run PCT drew its change
//	                              points over, measured on the scenario first by 12 to 68 runs
//	                              that runs does not count (absent otherwise)
//	elapsed_ms                    wall-clock time, in milliseconds
//	cut                           true for the row SIGINT cut short
//	broken                        true with -broken: failures are expected
//	ok                            the row is as it should be: no failure, or with -broken at least one
//	first_failure                 the smallest failing seed (dfs: the first failing schedule), or absent:
//	  seed                        its seed (absent for a dfs or schedule run)
//	  schedule                    the schedule that replays it exactly
//	  error                       what failed
//	  replay                      the command line that replays it
//
// replay: one object for the run.
//
//	scenario, platform  what ran
//	strategy, seed      the seed's strategy and the seed (absent with -schedule)
//	schedule            the schedule the run took
//	passed              true for a passing run
//	failure             as run's first_failure, absent for a passing run
//	timeline            the text timeline (as replay prints it)
//	spans               the finished spans, in finish order: trace_id, span_id,
//	                    parent_id, operation, tags, start, finish (virtual time,
//	                    RFC 3339), finishes (calls to Finish)
//	files               the exports written: format (chrome, svg, ...) and path
//
// The exit statuses are those of the text output.
//
// # A tool of your own
//
// This command is a few lines over package
// github.com/tracebed/tracebed/testbed/tool: a module of your own builds the
// same tool with its own scenarios in it (tool.WithScenarios), and every
// failure it prints then replays with that tool's command line.
//
// -h after a command prints its usage and flags. Bad usage prints one line
// and exits with status 2.
package main
