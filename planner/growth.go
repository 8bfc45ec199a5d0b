package planner

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/capplan/capplan/collectors"
)

// growthDays is how far back growth is measured and how far ahead its
// trend is carried: the daily forecast's usual 90 days.
const growthDays = 90

// Growth is who a resource's growth came from and, by its trend, will
// come from: the cluster's, and each group's of namespaces.
type Growth struct {
	Resource string `json:"resource"`
	Unit     string `json:"unit"`
	// Past is the last week's mean of the daily means less that of the
	// week growthDays before; Next the least-squares slope of the last
	// growthDays daily means, times growthDays.
	Past float64 `json:"past"`
	Next float64 `json:"next"`
	// Forecast is the resource's forecast over the same days (the
	// projection's last week at the horizon less the last week's mean);
	// nil when the resource is not projected.
	Forecast *float64      `json:"forecast,omitempty"`
	Groups   []GroupGrowth `json:"groups"`
	// Other is what no namespace's series accounts for: the cluster's
	// growth less the groups' (pods the history does not break down, a
	// namespace whose history is too short).
	OtherPast float64 `json:"other_past"`
	OtherNext float64 `json:"other_next"`
}

// GroupGrowth is one group's part of a resource's growth. Shares are of
// the cluster's growth, absent when the cluster did not grow.
type GroupGrowth struct {
	Name       string   `json:"name"`
	Namespaces []string `json:"namespaces"`
	Past       float64  `json:"past"`
	Next       float64  `json:"next"`
	PastShare  *float64 `json:"past_share,omitempty"`
	NextShare  *float64 `json:"next_share,omitempty"`
}

// growthResources are the resources namespaces' series break down.
var growthResources = []string{"cpu/usage", "cpu/requests", "memory/usage", "memory/requests"}

// groupsOf maps namespaces to their groups: the configuration's (group
// name to namespaces) first, then the snapshot's namespace labels.
func groupsOf(s collectors.Snapshot, groups map[string][]string) map[string]string {
	out := map[string]string{}
	for _, ns := range s.Namespaces {
		if ns.Group != "" {
			out[ns.Name] = ns.Group
		}
	}
	for g, nss := range groups {
		for _, ns := range nss {
			out[ns] = g
		}
	}
	return out
}

// growthOf measures the growth of every growth resource with a history and
// namespaces' series ("namespace/NS/RESOURCE"), gathered into groups
// (groupOf: namespace to group; a namespace in none is its own). Days are
// counted back from the cluster series' last day; a series without a day
// in either week is left to Other.
func growthOf(h collectors.History, groupOf map[string]string) []Growth {
	series := map[string]collectors.Series{}
	for _, s := range h.Series {
		series[s.Name] = s
	}
	var out []Growth
	for _, res := range growthResources {
		cluster, ok := series[res]
		if !ok || len(cluster.Days) == 0 {
			continue
		}
		end := cluster.Days[len(cluster.Days)-1].Date
		past, next, ok := trend(cluster, end)
		if !ok {
			continue
		}
		g := Growth{Resource: res, Unit: cluster.Unit, Past: past, Next: next, OtherPast: past, OtherNext: next}
		byGroup := map[string]*GroupGrowth{}
		for _, s := range h.Series {
			ns, ok := strings.CutPrefix(s.Name, "namespace/")
			if !ok || !strings.HasSuffix(ns, "/"+res) {
				continue
			}
			ns = strings.TrimSuffix(ns, "/"+res)
			p, n, ok := trend(s, end)
			if !ok {
				continue
			}
			name := groupOf[ns]
			if name == "" {
				name = ns
			}
			gg := byGroup[name]
			if gg == nil {
				gg = &GroupGrowth{Name: name}
				byGroup[name] = gg
			}
			gg.Namespaces = append(gg.Namespaces, ns)
			gg.Past += p
			gg.Next += n
			g.OtherPast -= p
			g.OtherNext -= n
		}
		if len(byGroup) == 0 {
			continue
		}
		for _, gg := range byGroup {
			slices.Sort(gg.Namespaces)
			gg.PastShare, gg.NextShare = share(gg.Past, g.Past), share(gg.Next, g.Next)
			g.Groups = append(g.Groups, *gg)
		}
		// The largest part of the growth first.
		slices.SortFunc(g.Groups, func(a, b GroupGrowth) int {
			if c := cmp.Compare(b.Past+b.Next, a.Past+a.Next); c != 0 {
				return c
			}
			return strings.Compare(a.Name, b.Name)
		})
		out = append(out, g)
	}
	return out
}

// trend is s's growth over the growthDays before end (the last week's
// mean less the week's growthDays before) and its least-squares slope
// over them times growthDays; false without days in both weeks.
func trend(s collectors.Series, end time.Time) (past, next float64, ok bool) {
	from := end.AddDate(0, 0, -growthDays)
	var nowSum, thenSum float64
	var nowN, thenN int
	var x, y []float64
	for _, d := range s.Days {
		age := int(math.Round(end.Sub(d.Date).Hours() / 24))
		switch {
		case age < 0 || age > growthDays+6:
			continue
		case age <= 6:
			nowSum, nowN = nowSum+d.Mean, nowN+1
		case age >= growthDays:
			thenSum, thenN = thenSum+d.Mean, thenN+1
		}
		if !d.Date.Before(from) {
			x, y = append(x, float64(-age)), append(y, d.Mean)
		}
	}
	if nowN == 0 || thenN == 0 || len(x) < 2 {
		return 0, 0, false
	}
	_, slope := stat.LinearRegression(x, y, nil, false)
	return nowSum/float64(nowN) - thenSum/float64(thenN), slope * growthDays, true
}

// share is part of whole, nil when the whole did not grow.
func share(part, whole float64) *float64 {
	if !(whole > 0) {
		return nil
	}
	s := part / whole
	return &s
}
