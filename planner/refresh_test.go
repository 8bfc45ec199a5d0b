package planner

import (
	"strings"
	"testing"

	"github.com/capplan/capplan/config"
)

func TestTimeline(t *testing.T) {
	p, err := project(growing(), 100, 0, []Threshold{{Name: "CPU average", Fraction: 0.70}, {Name: "CPU far", Fraction: 0.99}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	other := false
	events, err := Timeline([]config.Item{
		{Name: "mini-1", Purchased: "2022-03-01", LifeYears: 5},
		{Name: "NVMe set", Purchased: "2024-11-01", LifeYears: 2, Node: &other},
		{Name: "mini-9", Purchased: "2019-12-31", LifeYears: 5},
	}, Plan{Today: today, Projections: []Projection{p}}, []string{"mini-1", "mini-2"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		line := e.Date.Format("2006-01-02") + " " + e.Kind + " " + e.What
		if e.Overdue {
			line += " [overdue]"
		}
		if e.NotInCluster {
			line += " [not in the cluster]"
		}
		got = append(got, line)
	}
	want := []string{
		// 2019-12-31 + 1826 days: overdue on 2026-11-23, and no node is
		// called mini-9.
		"2024-12-30 refresh mini-9, bought 2019-12-31, reaches its 5-year life [overdue] [not in the cluster]",
		// 2024-11-01 + 731 days (2 x 365.25 rounded): overdue by three
		// weeks; not a node, so not checked.
		"2026-11-02 refresh NVMe set, bought 2024-11-01, reaches its 2-year life [overdue]",
		"2027-02-10 capacity cpu/usage reaches its CPU average threshold (70.00 cores)",
		// 2022-03-01 + 1826 days.
		"2027-03-01 refresh mini-1, bought 2022-03-01, reaches its 5-year life",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without a cluster there are no nodes to check against.
	events, err = Timeline([]config.Item{{Name: "mini-9", Purchased: "2019-12-31", LifeYears: 5}}, Plan{Today: today}, nil)
	if err != nil || len(events) != 1 || events[0].NotInCluster {
		t.Errorf("without a cluster: %+v, %v", events, err)
	}
	for _, bad := range []config.Item{{Name: "x", Purchased: "03/01/2022", LifeYears: 5}, {Name: "y", Purchased: "2022-03-01"}} {
		if _, err := Timeline([]config.Item{bad}, Plan{}, nil); err == nil || !strings.Contains(err.Error(), bad.Name) {
			t.Errorf("%+v: error %v, want one naming the item", bad, err)
		}
	}
}
