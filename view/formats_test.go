package view_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	hex16re = regexp.MustCompile(`^[0-9a-f]{16}$`)
	hex32re = regexp.MustCompile(`^[0-9a-f]{32}$`)
	digits  = regexp.MustCompile(`^[0-9]+$`)
)

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(b, v))
}

// TestJaegerFields decodes the Jaeger export against model/json's field
// names and types.
func TestJaegerFields(t *testing.T) {
	out := render(t, runOf(t, 3, true, 1))
	var doc struct {
		Data []struct {
			TraceID string `json:"traceID"`
			Spans   []struct {
				TraceID, SpanID, OperationName, ProcessID string
				References                                []struct{ RefType, TraceID, SpanID string }
				StartTime, Duration                       uint64
				Tags                                      []struct {
					Key, Type string
					Value     any
				}
				Logs []struct {
					Timestamp uint64
					Fields    []struct {
						Key, Type string
						Value     any
					}
				}
			} `json:"spans"`
			Processes map[string]struct{ ServiceName string } `json:"processes"`
		} `json:"data"`
	}
	decode(t, out["jaeger.json"], &doc)
	require.Len(t, doc.Data, 1)
	tr := doc.Data[0]
	require.Len(t, tr.Spans, 4)
	refTypes := map[string]int{}
	for _, s := range tr.Spans {
		assert.Regexp(t, hex16re, s.SpanID)
		assert.Equal(t, tr.TraceID, s.TraceID)
		assert.Contains(t, tr.Processes, s.ProcessID)
		assert.NotZero(t, s.StartTime)
		for _, r := range s.References {
			refTypes[r.RefType]++
			assert.Regexp(t, hex16re, r.SpanID)
		}
		for _, kv := range s.Tags {
			switch kv.Type {
			case "string":
				assert.IsType(t, "", kv.Value, kv.Key)
			case "bool":
				assert.IsType(t, true, kv.Value, kv.Key)
			case "int64", "float64":
				assert.IsType(t, 0.0, kv.Value, kv.Key) // a JSON number
			default:
				t.Errorf("tag %s: type %q", kv.Key, kv.Type)
			}
		}
	}
	assert.Equal(t, map[string]int{"CHILD_OF": 2, "FOLLOWS_FROM": 1}, refTypes)
}

// TestZipkinFields decodes the Zipkin export against zipkin2-api.yaml.
func TestZipkinFields(t *testing.T) {
	out := render(t, runOf(t, 3, true, 1))
	var spans []map[string]any
	decode(t, out["zipkin.json"], &spans)
	require.Len(t, spans, 4)
	follows := 0
	for _, s := range spans {
		assert.Regexp(t, hex16re, s["traceId"])
		assert.Regexp(t, hex16re, s["id"])
		if p, ok := s["parentId"]; ok {
			assert.Regexp(t, hex16re, p)
		}
		assert.GreaterOrEqual(t, s["duration"], 1.0)
		assert.Greater(t, s["timestamp"], 1.0)
		if k, ok := s["kind"]; ok {
			assert.Contains(t, []string{"CLIENT", "SERVER", "PRODUCER", "CONSUMER"}, k)
		}
		for k, v := range s["tags"].(map[string]any) {
			assert.IsType(t, "", v, k)
			if strings.HasPrefix(k, "opentracing.ref.") && strings.HasPrefix(v.(string), "FOLLOWS_FROM ") {
				follows++
			}
		}
		assert.Equal(t, "map[string]interface {}", typeName(s["localEndpoint"]))
	}
	assert.Equal(t, 1, follows, "FOLLOWS_FROM is a tag")
	assert.Contains(t, string(out["zipkin.json"]), `"kind": "SERVER"`)
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "map[string]interface {}"
	}
	return "other"
}

// TestOTLPFields decodes the OTLP export against trace.proto's JSON mapping.
func TestOTLPFields(t *testing.T) {
	out := render(t, runOf(t, 3, true, 1))
	var doc struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []struct {
					Key   string
					Value map[string]any
				}
			}
			ScopeSpans []struct {
				Spans []struct {
					TraceID, SpanID, ParentSpanID, Name string
					Kind                                int
					StartTimeUnixNano, EndTimeUnixNano  string
					Attributes                          []struct {
						Key   string
						Value map[string]any
					}
					Links []struct {
						TraceID, SpanID string
						Attributes      []struct {
							Key   string
							Value map[string]any
						}
					}
				}
			}
		}
	}
	decode(t, out["otlp.json"], &doc)
	n, links := 0, 0
	for _, rs := range doc.ResourceSpans {
		require.NotEmpty(t, rs.Resource.Attributes)
		assert.Equal(t, "service.name", rs.Resource.Attributes[0].Key)
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				n++
				assert.Regexp(t, hex32re, s.TraceID)
				assert.Regexp(t, hex16re, s.SpanID)
				assert.Regexp(t, digits, s.StartTimeUnixNano)
				assert.Regexp(t, digits, s.EndTimeUnixNano)
				assert.True(t, s.Kind >= 1 && s.Kind <= 5)
				for _, a := range s.Attributes {
					require.Len(t, a.Value, 1, a.Key)
					for k, v := range a.Value {
						switch k {
						case "stringValue", "intValue":
							assert.IsType(t, "", v, a.Key)
						case "boolValue":
							assert.IsType(t, true, v)
						case "doubleValue":
							assert.IsType(t, 0.0, v)
						default:
							t.Errorf("attribute %s: %s", a.Key, k)
						}
					}
				}
				for _, l := range s.Links {
					links++
					assert.Regexp(t, hex16re, l.SpanID)
					assert.Equal(t, "opentracing.ref_type", l.Attributes[0].Key)
					assert.Equal(t, "follows_from", l.Attributes[0].Value["stringValue"])
				}
			}
		}
	}
	assert.Equal(t, 4, n)
	assert.Equal(t, 1, links, "FOLLOWS_FROM is a link")
}

// TestChromeFlows decodes the Chrome trace: metadata names the process and
// every task, and each flow's s and f sit inside a slice of their thread
// (what "bp":"e" binds them to), one flow per reference and hand-over.
func TestChromeFlows(t *testing.T) {
	r := runOf(t, 3, true, 1)
	out := render(t, r)
	var doc struct {
		TraceEvents []struct {
			Name, Ph, Cat, ID, Bp string
			TS                    int64
			Dur                   *int64
			PID, TID              int
			Args                  map[string]any
		} `json:"traceEvents"`
	}
	decode(t, out["chrome.json"], &doc)
	type slice struct{ from, to int64 }
	slices := map[int][]slice{}
	names := map[string]int{}
	for _, e := range doc.TraceEvents {
		switch e.Ph {
		case "X":
			require.NotNil(t, e.Dur)
			slices[e.TID] = append(slices[e.TID], slice{e.TS, e.TS + *e.Dur})
		case "M":
			names[e.Name]++
			if e.Name != "thread_sort_index" {
				assert.IsType(t, "", e.Args["name"]) // thread_name, process_name
			}
		}
	}
	assert.Equal(t, 1, names["process_name"])
	assert.GreaterOrEqual(t, names["thread_name"], len(r.Tasks)+1)
	inside := func(tid int, ts int64) bool {
		for _, s := range slices[tid] {
			if s.from <= ts && ts < s.to {
				return true
			}
		}
		return false
	}
	flows := map[string]int{}
	for _, e := range doc.TraceEvents {
		if e.Ph == "s" || e.Ph == "f" {
			assert.NotEmpty(t, e.ID)
			assert.True(t, inside(e.TID, e.TS), "%s %s %q at %d on %d is in no slice", e.Ph, e.Cat, e.Name, e.TS, e.TID)
			if e.Ph == "f" {
				assert.Equal(t, "e", e.Bp)
				flows[e.Cat]++
			}
		}
	}
	assert.Equal(t, 2, flows["child_of"])
	assert.Equal(t, 1, flows["follows_from"])
	assert.Equal(t, 6, flows["chan"])
	assert.Equal(t, 1, flows["future"])
}

// TestSVGParses: the waterfall is XML with a bar per span, and no two bar
// labels overlap, for 3 tasks and for 50.
func TestSVGParses(t *testing.T) {
	for _, n := range []int{3, 50} {
		r := runOf(t, n, true, 2)
		var b bytes.Buffer
		require.NoError(t, writers[0].write(&b, r))
		d := xml.NewDecoder(&b)
		d.Strict = true
		spans, inSpan := 0, false
		type box struct{ x0, x1, y float64 }
		var labels []box
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			if se, ok := tok.(xml.StartElement); ok {
				attr := map[string]string{}
				for _, a := range se.Attr {
					attr[a.Name.Local] = a.Value
				}
				switch {
				case se.Name.Local == "g" && attr["class"] == "span":
					spans++
					inSpan = true
				case se.Name.Local == "text" && inSpan:
					var x, y float64
					var text string
					require.NoError(t, d.DecodeElement(&text, &se))
					_, _ = fmtSscan(attr["x"], &x), fmtSscan(attr["y"], &y)
					labels = append(labels, box{x, x + float64(len([]rune(text)))*6.7, y})
					inSpan = false
				}
			}
		}
		assert.Equal(t, len(r.Spans), spans)
		for i, a := range labels {
			for _, c := range labels[i+1:] {
				if a.y == c.y {
					assert.False(t, a.x0 < c.x1 && c.x0 < a.x1, "labels overlap at y=%v", a.y)
				}
			}
		}
	}
}

// TestHTMLSelfContained: the page is well-formed (as XML, which its
// markup also is), loads nothing from outside, and holds the waterfall
// and the hover panel.
func TestHTMLSelfContained(t *testing.T) {
	html := render(t, runOf(t, 3, true, 1))["html.json"[:4]]
	s := string(html)
	require.True(t, strings.HasPrefix(s, "<!DOCTYPE html>\n"))
	d := xml.NewDecoder(bytes.NewReader(html))
	d.Strict = true
	var stack []string
	seen := map[string]int{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch x := tok.(type) {
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			seen[x.Name.Local]++
			for _, a := range x.Attr {
				assert.NotContains(t, []string{"src", "href"}, a.Name.Local, "<%s %s=%q> loads from outside", x.Name.Local, a.Name.Local, a.Value)
			}
		case xml.EndElement:
			require.NotEmpty(t, stack)
			require.Equal(t, stack[len(stack)-1], x.Name.Local)
			stack = stack[:len(stack)-1]
		}
	}
	assert.Empty(t, stack)
	for _, el := range []string{"html", "head", "body", "svg", "script", "style"} {
		assert.Equal(t, 1, seen[el], el)
	}
	assert.NotRegexp(t, `url\([^#]`, s, "only url(#id) references inside the page")
	assert.NotContains(t, s, "@import")
	assert.NotContains(t, s, "<link")
	assert.Contains(t, s, `id="tip"`)
}

func fmtSscan(s string, v *float64) error {
	_, err := fmt.Sscan(s, v)
	return err
}
