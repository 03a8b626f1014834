#!/usr/bin/env bash
# Regenerates the pictures under docs/: the failing run README.md shows, and
# the run of each scenario README's first replay block.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./cmd/tracebed replay -scenario latespan/earlydone -seed 0 -svg docs/latespan-earlydone.svg >/dev/null || true # it fails: that is the point
for readme in testbed/*/README.md; do
	pkg=$(basename "$(dirname "$readme")")
	args=$(grep -m1 -o '<!-- replay: [^>]* -->' "$readme" | sed 's/<!-- replay: //; s/ -->//')
	# shellcheck disable=SC2086
	go run ./cmd/tracebed replay $args -svg "docs/$pkg.svg" >/dev/null || true
done
