package view

import (
	"bytes"
	"io"
)

// pageStyle and pageScript are inlined: the page needs no network, no
// font and no server. The script has neither '<' nor '&' so that the page
// is also well-formed XML.
const pageStyle = `
body { font-family: monospace; font-size: 12px; margin: 12px; color: #222; background: #fff; }
h1 { font-size: 15px; margin: 0 0 8px 0; }
h2 { font-size: 13px; margin: 14px 0 6px 0; }
.scroll { overflow: auto; max-height: 82vh; border: 1px solid #ddd; }
.scroll svg { display: block; }
#tip { position: fixed; right: 12px; bottom: 12px; max-width: 46em; white-space: pre-wrap;
  background: #fffff0; border: 1px solid #999; padding: 6px 8px; box-shadow: 0 1px 4px rgba(0,0,0,.25); }
pre.diff { background: #f6f7f9; padding: 8px; border: 1px solid #ddd; overflow: auto; }
g.span:hover rect, path.ref:hover, path.edge:hover, rect.decision:hover { stroke: #000; stroke-width: 2; }
`

const pageScript = `
(function () {
  var tip = document.getElementById("tip");
  function titleOf(el) {
    while (el) {
      if (el.children) {
        for (var i = 0; i !== el.children.length; i++) {
          if (el.children[i].tagName === "title") { return el.children[i].textContent; }
        }
      }
      el = el.parentNode;
    }
    return null;
  }
  document.addEventListener("mouseover", function (ev) {
    var t = titleOf(ev.target);
    if (t !== null) { tip.textContent = t; }
  });
})();
`

// WriteHTML writes the run as one self-contained HTML page: the waterfall
// of WriteSVG in a scrolling pane, and a panel that shows the details of
// what the pointer is over (a span's tags, logs and steps; a decision; a
// hand-over). It loads nothing: no network, fonts or scripts from outside.
func WriteHTML(w io.Writer, r *Run) error {
	var b bytes.Buffer
	p := page{b: &b}
	p.open(r.Title)
	p.waterfall(r, "")
	p.close()
	_, err := w.Write(b.Bytes())
	return err
}

// page writes an HTML page of waterfalls.
type page struct{ b *bytes.Buffer }

func (p page) open(title string) {
	p.b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	p.b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	p.b.WriteString("<title>" + esc(title) + "</title>\n<style>" + pageStyle + "</style>\n</head>\n<body>\n")
	p.b.WriteString("<h1>" + esc(title) + "</h1>\n")
}

func (p page) heading(text string) { p.b.WriteString("<h2>" + esc(text) + "</h2>\n") }

func (p page) pre(text string) { p.b.WriteString("<pre class=\"diff\">" + esc(text) + "</pre>\n") }

func (p page) waterfall(r *Run, id string) {
	p.b.WriteString("<div class=\"scroll\">\n")
	writeSVG(p.b, r, id)
	p.b.WriteString("</div>\n")
}

func (p page) close() {
	p.b.WriteString("<div id=\"tip\">hover over a span, a decision or an arrow for its details</div>\n")
	p.b.WriteString("<script>" + pageScript + "</script>\n</body>\n</html>\n")
}
