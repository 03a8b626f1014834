package tool

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// terminalRedraw is how often run redraws its progress line on a terminal.
const terminalRedraw = 200 * time.Millisecond

// progress reports run's progress on stderr from a goroutine of its own,
// at each tick of the tool's ticker: redrawn in place on a terminal, a
// line a tick otherwise (a CI log shows the run is alive). The
// explorations' workers only store counts.
type progress struct {
	w        io.Writer
	terminal bool
	total    int
	finished atomic.Int64           // runs of the explorations that ended
	current  atomic.Int64           // runs of the one under way
	label    atomic.Pointer[string] // names the one under way

	quit     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// startProgress starts reporting the progress of total runs on w.
func (t *tool) startProgress(w io.Writer, terminal bool, total int) *progress {
	p := &progress{w: w, terminal: terminal, total: total, quit: make(chan struct{})}
	every := t.progressEvery
	if terminal {
		every = terminalRedraw
	}
	if every <= 0 {
		return p
	}
	ticks, stop := t.ticker(every)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer stop()
		drawn := false
		for {
			select {
			case <-p.quit:
				if drawn {
					fmt.Fprintf(p.w, "\r%-70s\r", "")
				}
				return
			case <-ticks:
				drawn = p.print() || drawn
			}
		}
	}()
	return p
}

// print prints one progress report and reports whether it drew a line
// to clear at the end.
func (p *progress) print() bool {
	label := "starting"
	if l := p.label.Load(); l != nil {
		label = *l
	}
	done := p.finished.Load() + p.current.Load()
	line := fmt.Sprintf("%d/%d runs  %s", done, p.total, label)
	if p.terminal {
		fmt.Fprintf(p.w, "\r%-70s", line)
		return true
	}
	fmt.Fprintf(p.w, "tracebed: progress: %s\n", line)
	return false
}

// job starts counting an exploration's runs: its Exploration.Progress.
func (p *progress) job(label string) func(done int) {
	p.current.Store(0)
	p.label.Store(&label)
	return func(done int) { p.current.Store(int64(done)) }
}

// jobDone ends an exploration of runs runs.
func (p *progress) jobDone(runs int) {
	p.finished.Add(int64(runs))
	p.current.Store(0)
}

// stop stops reporting; no report is printed after it returns.
func (p *progress) stop() {
	p.stopOnce.Do(func() { close(p.quit) })
	p.wg.Wait()
}
