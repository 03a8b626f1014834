package view_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/view"
)

// TestDiff: two seeds of one run diverge at a decision the text names,
// and a run compared with itself does not.
func TestDiff(t *testing.T) {
	a, b := runOf(t, 3, true, 1), runOf(t, 3, true, 7)
	d := view.Diverge(a, b)
	require.GreaterOrEqual(t, d.Index, 0)
	assert.NotEqual(t, d.A, d.B)
	for i := range d.Index {
		assert.Equal(t, a.Decisions[i].Chosen, b.Decisions[i].Chosen)
	}
	var out bytes.Buffer
	require.NoError(t, view.WriteDiff(&out, a, b))
	assert.Contains(t, out.String(), "schedules diverge at decision")
	assert.Equal(t, -1, view.Diverge(a, runOf(t, 3, true, 1)).Index)
	out.Reset()
	require.NoError(t, view.WriteDiff(&out, a, a))
	assert.Contains(t, out.String(), "schedules: the same decisions")
	assert.Contains(t, out.String(), "span trees: the same")
	var html bytes.Buffer
	require.NoError(t, view.WriteDiffHTML(&html, a, b))
	assert.Equal(t, 2, strings.Count(html.String(), "<svg "))
	assert.Contains(t, html.String(), `id="a-child"`)
	assert.Contains(t, html.String(), `id="b-child"`)
}
