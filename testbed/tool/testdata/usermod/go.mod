module example.com/usermod

go 1.26

require github.com/tracebed/tracebed v0.0.0

require github.com/petermattis/goid v0.0.0-20261109124353-7cfa343ad0ab // indirect

replace github.com/tracebed/tracebed => ../../../..
