package sim

import (
	"fmt"
	"strings"
)

// A failure's report and message list every task and what it waits on. A
// run of thousands of tasks would make that megabytes of the same line, so
// tasks that wait the same way (the same state and kind of object) form a
// group, and a group of more than listedPerGroup tasks is one line: a
// count, the first shownPerGroup names, objects waited on and distinct
// stacks. Smaller groups are listed task by task, as are
// the reports of small runs.
const (
	listedPerGroup = 8
	shownPerGroup  = 3
)

// taskGroup is tasks that wait the same way.
type taskGroup struct {
	label   string         // what they do: "blocked in recv", "ended"
	tasks   []*Task        // in id order
	objects []string       // distinct, in order of first waiter
	waiters map[string]int // tasks per object
}

// waiting describes what a task waits on: the label its group shares and
// the object ("" if none).
type waiting func(t *Task) (label, object string)

// groupTasks groups ts by what they wait on. of[i] is the group of ts[i];
// groups are in the order of their first task.
func groupTasks(ts []*Task, what waiting) (groups []*taskGroup, of []int) {
	index := make(map[string]int)
	of = make([]int, len(ts))
	for i, t := range ts {
		label, obj := what(t)
		key := label
		if t.state == stateBlocked {
			key += fmt.Sprintf("\x00%T", t.waitObj) // a chan and a mutex are not one group
		}
		gi, ok := index[key]
		if !ok {
			gi = len(groups)
			index[key] = gi
			groups = append(groups, &taskGroup{label: label, waiters: make(map[string]int)})
		}
		g := groups[gi]
		g.tasks = append(g.tasks, t)
		if obj != "" {
			if g.waiters[obj] == 0 {
				g.objects = append(g.objects, obj)
			}
			g.waiters[obj]++
		}
		of[i] = gi
	}
	return groups, of
}

// listed reports whether the group's tasks are listed one by one.
func (g *taskGroup) listed() bool { return len(g.tasks) <= listedPerGroup }

// who names the group: its count and its first tasks.
func (g *taskGroup) who() string {
	names := make([]string, 0, shownPerGroup)
	for _, t := range g.tasks[:shownPerGroup] {
		names = append(names, t.String())
	}
	return fmt.Sprintf("%d tasks (%s and %d more)", len(g.tasks), strings.Join(names, ", "), len(g.tasks)-shownPerGroup)
}

// what says what the group's tasks do, with label in place of the
// group's own (for a plural verb): wait on the one object, or on how many
// and the first few, with how many tasks wait on each.
func (g *taskGroup) what(label string) string {
	if len(g.objects) == 0 {
		return label
	}
	if len(g.objects) == 1 {
		return label + " " + g.objects[0]
	}
	objs := make([]string, 0, shownPerGroup+1)
	for _, o := range g.objects[:min(len(g.objects), shownPerGroup)] {
		if n := g.waiters[o]; n > 1 {
			o += fmt.Sprintf(" (%d tasks)", n)
		}
		objs = append(objs, o)
	}
	if len(g.objects) > shownPerGroup {
		objs = append(objs, "…")
	}
	return fmt.Sprintf("%s on %d objects: %s", label, len(g.objects), strings.Join(objs, ", "))
}

// eachLine calls line once per task of a listed group and once per other
// group (at its first task), in task order: the lines of a report.
func eachLine(ts []*Task, what waiting, line func(t *Task, g *taskGroup)) {
	groups, of := groupTasks(ts, what)
	for i, t := range ts {
		switch g := groups[of[i]]; {
		case g.listed():
			line(t, nil)
		case g.tasks[0] == t:
			line(t, g)
		}
	}
}

// writeGroupStacks writes the distinct stacks of a group's tasks, the
// first few, each with how many tasks are there.
func writeGroupStacks(b *strings.Builder, g *taskGroup, stackOf func(*Task) (string, bool)) {
	var order []string
	count := make(map[string]int)
	for _, t := range g.tasks {
		st, ok := stackOf(t)
		if !ok {
			continue
		}
		if count[st] == 0 {
			order = append(order, st)
		}
		count[st]++
	}
	for i, st := range order {
		if i == shownPerGroup {
			fmt.Fprintf(b, "    and %d other stacks\n", len(order)-i)
			break
		}
		fmt.Fprintf(b, "    %d of them at:\n%s", count[st], indent(st, "      "))
	}
}
