package testbed_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/testbed"
	"github.com/tracebed/tracebed/testbed/env"
)

// Use go test ./testbed -run READMEs -update to regenerate the timelines
// in the scenarios' READMEs after a change to a scenario or to sim, and
// -run TestMap -update for the map in testbed/README.md.
var update = flag.Bool("update", false, "rewrite the generated blocks of the READMEs (the scenarios' replays, the testbed map)")

// replayBlock is a marker naming a replay, and the fenced block that holds
// its output.
var replayBlock = regexp.MustCompile("(?s)<!-- replay: (-scenario \\S+ -platform \\S+ -strategy \\S+ -seed \\d+) -->\n```text\n(.*?)```\n")

// TestREADMEs keeps the timelines the READMEs teach with true: each
// scenario package's README has at least one replay block, and each block
// must be exactly what `tracebed replay` prints for the marker's run.
func TestREADMEs(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range testbed.All() {
		base := packageOf(sc.Name)
		if seen[base] {
			continue
		}
		seen[base] = true
		path := filepath.Join(base, "README.md")
		t.Run(base, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			require.NoError(t, err, "every scenario has a README")
			text := string(raw)
			matches := replayBlock.FindAllStringSubmatchIndex(text, -1)
			require.NotEmpty(t, matches, "%s has no replay block: a README teaches its pattern with the timeline of one run (<!-- replay: -scenario ... --> above a ```text block)", path)
			var b strings.Builder
			last := 0
			for _, m := range matches {
				args := strings.Fields(text[m[2]:m[3]])
				got := replay(t, args)
				b.WriteString(text[last:m[4]])
				b.WriteString(got)
				last = m[5]
				if !*update {
					assert.Equal(t, got, text[m[4]:m[5]], "%s: the block under <!-- replay: %s --> is stale; run go test ./testbed -run READMEs -update", path, text[m[2]:m[3]])
				}
			}
			b.WriteString(text[last:])
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
			}
		})
	}
}

// packageOf is the package directory of a registered scenario:
// "clientserver/noextract" and "commonrequest-badsolution" live in
// clientserver and commonrequest.
func packageOf(name string) string {
	base, _, _ := strings.Cut(name, "/")
	base, _, _ = strings.Cut(base, "-")
	return base
}

// replay runs "-scenario X -platform P -strategy S -seed N" as the tool does.
func replay(t *testing.T, args []string) string {
	t.Helper()
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	name := fs.String("scenario", "", "")
	platform := fs.String("platform", "", "")
	strategy := fs.String("strategy", "", "")
	seed := fs.Uint64("seed", 0, "")
	require.NoError(t, fs.Parse(args))
	sc, variant, err := testbed.Lookup(*name)
	require.NoError(t, err)
	p, err := env.PlatformByName(*platform)
	require.NoError(t, err)
	if variant != nil {
		p = *variant
	}
	st, err := env.StrategyByName(*strategy)
	require.NoError(t, err)
	cfg := env.Config{Strategy: st, Seed: *seed}
	out, err := env.RunSim(sc, p, cfg)
	var f *env.Failure
	if err != nil {
		require.ErrorAs(t, err, &f)
	}
	return out.Report()
}
