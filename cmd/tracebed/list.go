package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tracebed/tracebed/testbed"
	"github.com/tracebed/tracebed/testbed/env"
)

func cmdList(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	if err := parseFlags(fs, args, "tracebed list", stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("list takes no arguments")
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SCENARIO\tPLATFORMS\tSUMMARY")
	for _, sc := range testbed.All() {
		var ps []string
		for _, p := range sc.Platforms {
			ps = append(ps, p.Name)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", sc.Name, strings.Join(ps, ","), sc.Summary)
		for _, b := range sc.Broken {
			fmt.Fprintf(w, "  %s/%s\t%s\t(broken) %s\n", sc.Name, b.Name, b.Platform.Name, b.Summary)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "PLATFORM\tPROPAGATION\tSUMMARY")
	for _, p := range env.Platforms() {
		runtime := "sim"
		if p.Real {
			runtime = "sim, real goroutines"
		}
		fmt.Fprintf(w, "%s\t%s\t%s (%s)\n", p.Name, p.Propagation, p.Summary, runtime)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "STRATEGY\tSUMMARY")
	fmt.Fprintf(w, "random\tuniform choice among runnable tasks at each step\n")
	fmt.Fprintf(w, "pct\tprobabilistic concurrency testing, depth %d\n", env.PCTDepth)
	fmt.Fprintf(w, "dfs\tbounded exhaustive search, %d preemptions (-seeds caps the schedules)\n", env.DFSPreemptions)
	return w.Flush()
}
