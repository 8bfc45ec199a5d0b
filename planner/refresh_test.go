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
	events, err := Timeline([]config.Item{
		{Name: "mini-1", Purchased: "2022-03-01", LifeYears: 5},
		{Name: "NVMe set", Purchased: "2024-11-01", LifeYears: 2},
	}, Plan{Today: today, Projections: []Projection{p}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Date.Format("2006-01-02")+" "+e.Kind+" "+e.What)
	}
	want := []string{
		// 2024-11-01 + 731 days (2 x 365.25 rounded).
		"2026-11-02 refresh NVMe set, bought 2024-11-01, reaches its 2-year life",
		"2027-02-10 capacity cpu/usage reaches its CPU average threshold (70.00 cores)",
		// 2022-03-01 + 1826 days.
		"2027-03-01 refresh mini-1, bought 2022-03-01, reaches its 5-year life",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, bad := range []config.Item{{Name: "x", Purchased: "03/01/2022", LifeYears: 5}, {Name: "y", Purchased: "2022-03-01"}} {
		if _, err := Timeline([]config.Item{bad}, Plan{}); err == nil || !strings.Contains(err.Error(), bad.Name) {
			t.Errorf("%+v: error %v, want one naming the item", bad, err)
		}
	}
}
