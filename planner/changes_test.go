package planner

import (
	"strings"
	"testing"

	"github.com/capplan/capplan/collectors"
)

func TestCompare(t *testing.T) {
	th := []Threshold{{Name: "CPU average", Fraction: 0.70}}
	week := growing()
	week.Days = week.Days[:len(week.Days)-7]
	lastWeek, err := Project(week, 100, th, today.AddDate(0, 0, -7), 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	// The same growth a week later: the date stays 2027-02-10.
	same, err := Project(growing(), 100, th, today, 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	// Growth doubled in the last week: 0.25 a day.
	faster := growing()
	for i := range 7 {
		d := &faster.Days[len(faster.Days)-7+i]
		d.Mean = 59.125 + 0.25*float64(i+1)
	}
	fast, err := Project(faster, 100, th, today, 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	// 40 more cores of capacity: 98 is out of the daily horizon's reach.
	bigger, err := Project(growing(), 140, th, today, 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	prevSnap := collectors.Snapshot{Namespaces: []collectors.Namespace{{Name: "web", Requests: collectors.Resources{CPUCores: 10}}, {Name: "db", Requests: collectors.Resources{CPUCores: 5}}}}
	curSnap := collectors.Snapshot{Namespaces: []collectors.Namespace{{Name: "web", Requests: collectors.Resources{CPUCores: 10}}, {Name: "db", Requests: collectors.Resources{CPUCores: 5}},
		{Name: "ml", Requests: collectors.Resources{CPUCores: 12}}}}

	if changes := Compare(Plan{Projections: []Projection{lastWeek}}, Plan{Projections: []Projection{same}}, prevSnap, prevSnap); len(changes) != 0 {
		t.Errorf("unchanged growth: %+v", changes)
	}
	changes := Compare(Plan{Projections: []Projection{lastWeek}}, Plan{Projections: []Projection{fast}}, prevSnap, curSnap)
	var got []string
	for _, c := range changes {
		got = append(got, c.Resource+": "+c.What+" | "+c.Why)
	}
	// 60.875 after the faster week (59.125 a week before), 0.25 a day: 70
	// after 37 steps (36.5), 2026-12-29, 43 days earlier than 2027-02-10.
	// The old slope, 0.125 a day, prints as 0.12.
	want := []string{
		"cpu/usage: CPU average threshold date moved by -43 days, from 2027-02-10 to 2026-12-29 | growth rate changed: 0.12 cores a day to 0.25 cores a day; new namespaces: [ml]",
		"cpu/requests: the largest cpu request is now namespace ml (was web) | ",
		"namespaces: new namespace ml | ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	grown := Compare(Plan{Projections: []Projection{lastWeek}}, Plan{Projections: []Projection{bigger}}, prevSnap, prevSnap)
	if len(grown) != 0 {
		t.Errorf("crossing left the horizon: %+v (only crossings that move or appear are reported)", grown)
	}
}
