package view_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/view"
)

// Use go test ./view -update to rewrite the golden files in testdata/.
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// writers are the renderers of a run, by golden file suffix.
var writers = []struct {
	name  string
	write func(io.Writer, *view.Run) error
}{
	{"svg", view.WriteSVG},
	{"html", view.WriteHTML},
	{"chrome.json", view.WriteChrome},
	{"jaeger.json", view.WriteJaeger},
	{"zipkin.json", view.WriteZipkin},
	{"otlp.json", view.WriteOTLP},
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./view -update to create %s", path)
	require.Equal(t, string(want), string(got), "%s is stale: run go test ./view -update and look at the change", path)
}

// render writes r with every renderer.
func render(t testing.TB, r *view.Run) map[string][]byte {
	out := map[string][]byte{}
	for _, w := range writers {
		var b bytes.Buffer
		require.NoError(t, w.write(&b, r), w.name)
		out[w.name] = b.Bytes()
	}
	return out
}

// TestGolden: every format, for a failing 3-task run on a fixed seed, is
// byte-identical to its golden file, and to a second rendering of a second
// run with the same seed.
func TestGolden(t *testing.T) {
	first := render(t, runOf(t, 3, true, 1))
	again := render(t, runOf(t, 3, true, 1))
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			require.Equal(t, string(first[w.name]), string(again[w.name]), "the same seed renders the same bytes")
			golden(t, "fanout3_seed1."+w.name+".golden", first[w.name])
		})
	}
}

// BenchmarkExports50 writes every export of a 50-task run, model included.
func BenchmarkExports50(b *testing.B) {
	r := runOf(b, 50, true, 2)
	spans := len(r.Spans)
	b.ResetTimer()
	for b.Loop() {
		for _, w := range writers {
			if err := w.write(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(spans), "spans")
}
