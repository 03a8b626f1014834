// Package tool is the tracebed command (cmd/tracebed: list, run, replay,
// diff, version) as a library, so that a module of your own builds the
// same tool with its own scenarios in it.
//
// A scenario of yours (an env.Scenario) is then first class: the tool lists
// it next to the built-in ones (or instead of them, WithoutBuiltins),
// explores it with run, replays it with replay and diff, and every failure
// it prints names the replay line of YOUR tool, which works as printed:
//
//	// cmd/mytool/main.go in your module
//	package main
//
//	import (
//		"os"
//
//		"example.com/you/mine"
//		"github.com/tracebed/tracebed/testbed/tool"
//	)
//
//	func main() {
//		os.Exit(tool.Main(os.Args[1:], os.Stdout, os.Stderr, tool.WithScenarios(mine.Scenario)))
//	}
//
// Then, from your module's root:
//
//	go run ./cmd/mytool run mine
//	go run ./cmd/mytool replay -scenario mine -platform tasks -seed 3
//
// The replay lines read the tool's command from the binary's build
// information ("go run ./cmd/mytool" for a tool built from its module's
// source); WithCommand sets it. In your tests, testbed.RunAll with
// testbed.WithScenarios and testbed.WithCommand prints the same lines.
//
// Main handles SIGINT (a run then prints its partial table and exits 130);
// Run takes a context instead. The commands, their flags and their -json
// fields are documented in cmd/tracebed.
package tool
