// Package view makes simulated runs viewable: a neutral model of a run
// ([Run], built by [Build] from a sim trace and the run's spans) and
// renderers for it: an SVG and a self-contained HTML waterfall, the Chrome
// trace-event format (Perfetto, chrome://tracing) with flow arrows, Jaeger,
// Zipkin v2 and OTLP/JSON documents, and a comparison of two runs ([Diff]).
//
// Every renderer is deterministic: the same run gives byte-identical output.
package view
