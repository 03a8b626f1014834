package view_test

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserRendersHTML renders the HTML waterfall in headless Chromium
// and checks the screenshot is not blank. It runs when TRACEBED_CHROMIUM
// names the browser binary (.ci/run sets it, installing Debian's chromium
// if missing), so that plain go test needs no browser.
func TestBrowserRendersHTML(t *testing.T) {
	bin := os.Getenv("TRACEBED_CHROMIUM")
	if bin == "" {
		t.Skip("set TRACEBED_CHROMIUM to a chromium binary to run the browser check")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "run.html")
	shot := filepath.Join(dir, "run.png")
	require.NoError(t, os.WriteFile(page, render(t, runOf(t, 3, true, 1))["html"], 0o644))
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1200,600", "--screenshot="+shot, "file://"+page)
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", outb)
	raw, err := os.ReadFile(shot)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(raw))
	require.NoError(t, err)
	// Count pixels far from the white background: bars, text, arrows.
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 < 200 || g>>8 < 200 || bl>>8 < 200 {
				ink++
			}
		}
	}
	assert.Greater(t, ink, b.Dx()*b.Dy()/100, "the screenshot is (nearly) blank: %d inked pixels", ink)
}
