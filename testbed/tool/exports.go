package tool

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/view"
)

// exportFlags are replay's output files, one per format of package view.
type exportFlags struct {
	files []*string
	kinds []exportKind
}

type exportKind struct {
	flag, what string
	write      func(io.Writer, *view.Run) error
}

var exportKinds = []exportKind{
	{"chrome", "Chrome trace-event JSON with flow arrows (open it in ui.perfetto.dev)", view.WriteChrome},
	{"svg", "an SVG waterfall of the run", view.WriteSVG},
	{"html", "a self-contained HTML waterfall with hover details", view.WriteHTML},
	{"jaeger", "the spans as Jaeger UI upload JSON", view.WriteJaeger},
	{"zipkin", "the spans as a Zipkin v2 JSON span list", view.WriteZipkin},
	{"otlp", "the spans as OTLP/JSON resourceSpans", view.WriteOTLP},
}

// addExportFlags declares -chrome, -svg, -html, -jaeger, -zipkin, -otlp.
func addExportFlags(fs *flag.FlagSet) *exportFlags {
	e := &exportFlags{kinds: exportKinds}
	for _, k := range exportKinds {
		e.files = append(e.files, fs.String(k.flag, "", "also write "+k.what+" to this file"))
	}
	return e
}

// check fails before the run if an output file cannot be created.
func (e *exportFlags) check() error {
	for _, f := range e.files {
		if *f == "" {
			continue
		}
		fh, err := os.OpenFile(*f, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return usageError("cannot write %s", *f)
		}
		fh.Close()
	}
	return nil
}

// runModel is the view model of a replayed run.
// failure is the run's failure, nil for a run that passed.
func runModel(out env.Outcome, failure *env.Failure, title string) (*view.Run, error) {
	if out.Trace == nil {
		return nil, errors.New("the run left no trace to write")
	}
	var err error
	if failure != nil {
		err = failure.Err
	}
	return view.Build(out.Trace, out.Spans, view.WithTitle(title), view.WithFailure(err)), nil
}

// write writes every requested export of the run, naming each file it
// wrote on stdout (if not nil), and returns them.
func (e *exportFlags) write(out env.Outcome, failure *env.Failure, title string, stdout io.Writer) ([]fileJSON, error) {
	var (
		r     *view.Run
		files []fileJSON
	)
	for i, f := range e.files {
		if *f == "" {
			continue
		}
		if r == nil {
			var err error
			if r, err = runModel(out, failure, title); err != nil {
				return files, err
			}
		}
		if err := writeFile(*f, r, e.kinds[i].write); err != nil {
			return files, err
		}
		files = append(files, fileJSON{Format: e.kinds[i].flag, Path: *f})
		if stdout != nil {
			fmt.Fprintf(stdout, "%s: %s\n", e.kinds[i].flag, *f)
		}
	}
	return files, nil
}

func writeFile(path string, r *view.Run, write func(io.Writer, *view.Run) error) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(fh, r); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
