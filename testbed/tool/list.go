package tool

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tracebed/tracebed/testbed/env"
)

// listUsage is list's usage line, printed by list -h.
const listUsage = `tracebed list [-json]

Prints the scenarios (with their broken variants), the platforms and the
strategies (-json: one JSON object each).`

func (t *tool) cmdList(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object per scenario, variant, platform and strategy")
	if err := parseFlags(fs, args, listUsage, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("list takes no arguments")
	}
	rows := t.listRows()
	if *asJSON {
		for _, r := range rows {
			if err := writeJSON(stdout, r); err != nil {
				return err
			}
		}
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	kind := ""
	for _, r := range rows {
		if r.Kind != kind && r.Kind != "variant" {
			if kind != "" {
				fmt.Fprintln(w)
			}
			kind = r.Kind
			switch kind {
			case "scenario":
				fmt.Fprintln(w, "SCENARIO\tPLATFORMS\tSUMMARY")
			case "platform":
				fmt.Fprintln(w, "PLATFORM\tPROPAGATION\tSUMMARY")
			case "strategy":
				fmt.Fprintln(w, "STRATEGY\tSUMMARY")
			}
		}
		switch r.Kind {
		case "scenario":
			fmt.Fprintf(w, "%s\t%s\t%s\n", r.Name, strings.Join(r.Platforms, ","), r.Summary)
		case "variant":
			fmt.Fprintf(w, "  %s\t%s\t(broken) %s\n", r.Name, strings.Join(r.Platforms, ","), r.Summary)
		case "platform":
			runtime := "sim"
			if r.Real {
				runtime = "sim, real goroutines"
			}
			fmt.Fprintf(w, "%s\t%s\t%s (%s)\n", r.Name, r.Propagation, r.Summary, runtime)
		case "strategy":
			fmt.Fprintf(w, "%s\t%s\n", r.Name, r.Summary)
		}
	}
	return w.Flush()
}

// listRows are what list prints: the tool's scenarios, each followed by
// its broken variants, then the platforms, then the strategies.
func (t *tool) listRows() []listJSON {
	var rows []listJSON
	for _, sc := range t.scs {
		rows = append(rows, listJSON{Kind: "scenario", Name: sc.Name, Summary: sc.Summary, Platforms: platformNames(sc.Platforms)})
		for _, b := range sc.Broken {
			rows = append(rows, listJSON{Kind: "variant", Name: sc.Name + "/" + b.Name, Summary: b.Summary, Platforms: []string{b.Platform.Name}})
		}
	}
	for _, p := range env.Platforms() {
		rows = append(rows, listJSON{Kind: "platform", Name: p.Name, Summary: p.Summary, Propagation: p.Propagation.String(), Real: p.Real})
	}
	return append(rows,
		listJSON{Kind: "strategy", Name: string(env.Random), Summary: "uniform choice among runnable tasks at each step"},
		listJSON{Kind: "strategy", Name: string(env.PCT), Summary: fmt.Sprintf("probabilistic concurrency testing, depth %d", env.PCTDepth)},
		listJSON{Kind: "strategy", Name: string(env.DFS), Summary: fmt.Sprintf("bounded exhaustive search, %d preemptions (-seeds caps the schedules)", env.DFSPreemptions)},
	)
}
