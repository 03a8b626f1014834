package sim_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADME_ExampleIsExample keeps README.md's example true: its code is
// the body of Example, and the output it shows is Example's, which go test
// checks.
func TestREADME_ExampleIsExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)

	blocks := regexp.MustCompile("(?s)```(go|text)\n(.*?)\n```").FindAllSubmatch(readme, 2)
	require.Len(t, blocks, 2, "README.md: want a go block and a text block after it")
	require.Equal(t, "go", string(blocks[0][1]))
	require.Equal(t, "text", string(blocks[1][1]))
	example := regexp.MustCompile(`(?s)\nfunc Example\(\) \{\n(.*?)\n\t// Output:\n(.*?)\n\}\n`).FindSubmatch(src)
	require.NotNil(t, example, "example_test.go has no Example with an Output")

	var code, output []string
	for _, line := range strings.Split(string(example[1]), "\n") {
		code = append(code, strings.TrimPrefix(line, "\t"))
	}
	for _, line := range strings.Split(string(example[2]), "\n") {
		output = append(output, strings.TrimPrefix(line, "\t// "))
	}
	assert.Equal(t, strings.Join(code, "\n"), string(blocks[0][2]), "README.md's code differs from Example in example_test.go")
	assert.Equal(t, strings.Join(output, "\n"), string(blocks[1][2]), "README.md's output differs from Example's")
}
