package tool

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplayExports: replay writes every export, each a valid document,
// and refuses before the run an output path it cannot create.
func TestReplayExports(t *testing.T) {
	dir := t.TempDir()
	args := []string{"replay", "-scenario", "latespan/earlydone", "-seed", "0"}
	files := map[string]string{}
	for _, k := range []string{"chrome", "svg", "html", "jaeger", "zipkin", "otlp"} {
		files[k] = filepath.Join(dir, k)
		args = append(args, "-"+k, files[k])
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 1, run(args, &out, &errb), "the variant fails on seed 0: %s", errb.String())
	for k, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err, k)
		if k != "svg" && k != "html" {
			assert.True(t, json.Valid(raw), k)
		}
		assert.Contains(t, out.String(), k+": "+f)
	}
	code := run([]string{"replay", "-scenario", "latespan", "-seed", "1", "-svg", filepath.Join(dir, "no", "such", "dir.svg")}, &out, &errb)
	assert.Equal(t, 2, code)
}

// TestDiffCommand: two seeds of a broken variant, one failing, diverge at
// a named decision; -html writes both waterfalls.
func TestDiffCommand(t *testing.T) {
	page := filepath.Join(t.TempDir(), "d.html")
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"diff", "-scenario", "latespan/earlydone", "-seed", "1", "-seed2", "0", "-html", page}, &out, &errb), errb.String())
	assert.Regexp(t, `schedules diverge at decision \d+:`, out.String())
	assert.Contains(t, out.String(), "FAIL:")
	raw, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Equal(t, 2, bytes.Count(raw, []byte("<svg ")))
}
