package forecast

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// runwayCase is one case of the runway benchmark as bench/runway-dates.sh
// writes it: the history's daily means and peaks, its capacity, and the
// truth of gen_runway.py.
type runwayCase struct {
	Seed      int       `json:"seed"`
	Group     string    `json:"group"` // the label of Seed's score, "seed N" if empty
	Shape     string    `json:"shape"`
	Capacity  float64   `json:"capacity"`
	Means     []float64 `json:"means"`
	Peaks     []float64 `json:"peaks"`
	Crossings []struct {
		Kind     string   `json:"kind"`
		Fraction float64  `json:"fraction"`
		Already  bool     `json:"already"`
		Day      *float64 `json:"day"`
	} `json:"crossings"`
}

// runwayScore adds up what score_runway.py reports, and the chances'
// reliability.
type runwayScore struct {
	err, linear        float64 // date errors, days, summed
	n                  int     // thresholds
	early, crossed     int     // true crossings, and those whose "as early as" came first
	brier, brierLinear float64 // summed
	bins               [5]struct{ n, chance, happened float64 }
	relErr             []float64 // (date - truth) / truth of true crossings, +Inf undated
	chances            []float64 // of true crossings
	// hindsight sums, case by case, the date error of the one scenario
	// line (no spread) whose dates came closest: a bound no choice among
	// the lines made without the future can pass.
	hindsight float64
	// dated thresholds not reached in the last week, and those the truth
	// reached by their date: what a track record counts.
	dated, byDate int
	// short: thresholds of histories of 30 days or less whose whole
	// history's trend reaches them within the view; shortCrossed: those
	// the truth reached.
	short, shortCrossed int
}

const runwayView = 365

// runwayErr is score_runway.py's date error: days apart inside the view,
// a miss or a false alarm costing the days to the view's end.
func runwayErr(pred, truth *float64, predAlready, truthAlready bool) float64 {
	if predAlready && truthAlready {
		return 0
	}
	in := func(v *float64, already bool) *float64 {
		if already {
			return new(float64)
		}
		if v != nil && *v <= runwayView {
			return v
		}
		return nil
	}
	p, t := in(pred, predAlready), in(truth, truthAlready)
	switch {
	case p == nil && t == nil:
		return 0
	case p == nil:
		return runwayView - *t
	case t == nil:
		return runwayView - *p
	}
	return math.Abs(*p - *t)
}

// linearDay is predict_linear over the whole history, as the scorer
// computes it: nil when the line never gets there.
func linearDay(y []float64, level float64) *float64 {
	my, b := line(y)
	now := my + b*float64(len(y)-1)/2
	day := 0.0
	switch {
	case now >= level:
	case b <= 0:
		return nil
	default:
		day = (level - now) / b
	}
	return &day
}

// BenchmarkRunwayDates scores FirstPassage's dates, "as early as" and
// chances on the runway benchmark's cases as the planner asks for them
// (daily means or peaks, a weekly profile, a 365-day view), the way
// score_runway.py scores capplan plan's report.json, without a process a
// case. bench/runway-dates.sh writes the cases and runs it; without them
// it is skipped. CAPPLAN_RUNWAY_SEEDS lists the seeds to score.
func BenchmarkRunwayDates(b *testing.B) {
	path := os.Getenv("CAPPLAN_RUNWAY_DAILY")
	if path == "" {
		b.Skip("CAPPLAN_RUNWAY_DAILY is not set: bench/runway-dates.sh writes the cases and sets it")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var cases map[string]runwayCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		b.Fatalf("%s: %v", path, err)
	}
	var seeds []int
	for _, f := range strings.Split(os.Getenv("CAPPLAN_RUNWAY_SEEDS"), ",") {
		if s, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			seeds = append(seeds, s)
		}
	}
	names := make([]string, 0, len(cases))
	for name, c := range cases {
		if len(seeds) == 0 || slices.Contains(seeds, c.Seed) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for range b.N {
		bySeed, byShape := map[string]*runwayScore{}, map[string]*runwayScore{}
		for _, name := range names {
			c := cases[name]
			group := c.Group
			if group == "" {
				group = fmt.Sprintf("seed %d", c.Seed)
			}
			scores := []*runwayScore{score(bySeed, "all"), score(bySeed, group), score(byShape, c.Shape)}
			if err := scoreRunwayCase(c, scores); err != nil {
				b.Fatalf("%s: %v", name, err)
			}
		}
		if b.N > 1 {
			continue
		}
		report := func(m map[string]*runwayScore) {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				s := m[k]
				ratio, early := "-", "-"
				if s.linear > 0 {
					ratio = fmt.Sprintf("%.2f", s.err/s.linear)
				}
				if s.crossed > 0 {
					early = fmt.Sprintf("%.3f", float64(s.early)/float64(s.crossed))
				}
				hindsight := "-"
				if s.linear > 0 {
					hindsight = fmt.Sprintf("%.2f", s.hindsight/s.linear)
				}
				fmt.Printf("%-14s thresholds %3d  date error %5.1f days  predict_linear %5.1f  ratio %s  early warning %s of %d  Brier %.3f (predict_linear %.3f)  best line in hindsight %s\n",
					k, s.n, s.err/float64(s.n), s.linear/float64(s.n), ratio, early, s.crossed,
					s.brier/float64(s.n), s.brierLinear/float64(s.n), hindsight)
			}
		}
		report(bySeed)
		report(byShape)
		all := bySeed["all"]
		fmt.Println("reliability of the chances (thresholds not reached in the last week, by either side):")
		for i, bin := range all.bins {
			fmt.Printf("  %.1f-%.1f: %3.0f thresholds, chance %.3f, crossed %.3f\n", float64(i)/5, float64(i+1)/5, bin.n, bin.chance/bin.n, bin.happened/bin.n)
		}
		slices.Sort(all.relErr)
		within := 0
		for _, r := range all.relErr {
			if math.Abs(r) <= 0.1 {
				within++
			}
		}
		slices.Sort(all.chances)
		if len(all.relErr) > 0 {
			fmt.Printf("true crossings: %d; date - truth over truth: median %+.3f, within 10%%: %.2f; chance: median %.3f, above 0.9: %.2f\n",
				len(all.relErr), all.relErr[len(all.relErr)/2], float64(within)/float64(len(all.relErr)),
				all.chances[len(all.chances)/2], float64(len(all.chances)-sortedAbove(all.chances, 0.9))/float64(len(all.chances)))
		}
		if all.dated > 0 {
			fmt.Printf("dated, not reached in the last week: %d, reached by their date: %.3f\n", all.dated, float64(all.byDate)/float64(all.dated))
		}
		if all.short > 0 {
			fmt.Printf("30 days of history or less, the trend reaching the line within the view: %d thresholds, crossed: %.3f\n", all.short, float64(all.shortCrossed)/float64(all.short))
		}
	}
}

func score(m map[string]*runwayScore, k string) *runwayScore {
	if m[k] == nil {
		m[k] = &runwayScore{}
	}
	return m[k]
}

// sortedAbove is the index of the first value of sorted v above x.
func sortedAbove(v []float64, x float64) int {
	i, _ := slices.BinarySearch(v, math.Nextafter(x, math.Inf(1)))
	return i
}

// scoreRunwayCase dates c's thresholds as the planner does and adds the
// errors to each of scores.
func scoreRunwayCase(c runwayCase, scores []*runwayScore) error {
	for _, peak := range []bool{false, true} {
		y, kind := c.Means, "mean"
		if peak {
			y, kind = c.Peaks, "peak"
		}
		var levels []float64
		var idx []int
		for i, x := range c.Crossings {
			if x.Kind == kind {
				levels, idx = append(levels, x.Fraction*c.Capacity), append(idx, i)
			}
		}
		if len(levels) == 0 {
			continue
		}
		ps, err := FirstPassage(y, levels, PassageOptions{Horizon: runwayView, Period: 7})
		if err != nil {
			return err
		}
		recent := slices.Max(y[len(y)-min(7, len(y)):])
		best := hindsightErr(c, y, idx, levels, recent)
		for _, s := range scores {
			s.hindsight += best
		}
		for j, i := range idx {
			x, p := c.Crossings[i], ps[j]
			already := recent >= levels[j]
			chance := p.Probability
			if already {
				chance = 1
			}
			day := func(step int) *float64 {
				if step < 0 {
					return nil
				}
				v := float64(step)
				return &v
			}
			date, early := day(p.Median), day(p.Early)
			lin := linearDay(y, levels[j])
			happened := 0.0
			if x.Already || (x.Day != nil && *x.Day <= runwayView) {
				happened = 1
			}
			linChance := 0.0
			if lin != nil && *lin <= runwayView {
				linChance = 1
			}
			for _, s := range scores {
				s.n++
				s.err += runwayErr(date, x.Day, already, x.Already)
				s.linear += runwayErr(lin, x.Day, lin != nil && *lin == 0, x.Already)
				s.brier += (chance - happened) * (chance - happened)
				s.brierLinear += (linChance - happened) * (linChance - happened)
				if x.Already || x.Day == nil || *x.Day > runwayView {
					continue
				}
				s.crossed++
				if already || (early != nil && *early <= *x.Day) {
					s.early++
				}
				s.chances = append(s.chances, chance)
				rel := math.Inf(1)
				if date != nil {
					rel = (*date - *x.Day) / *x.Day
				}
				s.relErr = append(s.relErr, rel)
			}
			if !already && !x.Already {
				for _, s := range scores {
					if date != nil {
						s.dated++
						if x.Day != nil && *x.Day <= *date {
							s.byDate++
						}
					}
					if len(y) <= 30 && lin != nil && *lin <= runwayView {
						s.short++
						if happened == 1 {
							s.shortCrossed++
						}
					}
				}
				bin := &scores[0].bins[min(int(chance*5), 4)]
				bin.n++
				bin.chance += chance
				bin.happened += happened
			}
		}
	}
	return nil
}

// hindsightErr is the date error, over c's thresholds levels (of y, at
// idx), of the one scenario line of Futures (its fitted mean, without
// spread) whose dates came closest to the truth.
func hindsightErr(c runwayCase, y []float64, idx []int, levels []float64, recent float64) float64 {
	n := len(y)
	scenarios, logY := scenariosOf(y)
	best := math.Inf(1)
	for _, sc := range scenarios {
		yy := y
		if sc.log {
			yy = logY
		}
		f := fitLine(yy, sc, 7)
		if f == nil {
			continue
		}
		e := 0.0
		for j, i := range idx {
			var day *float64
			for k := range runwayView {
				if f.back(f.mean(n+k, f.beta)) >= levels[j] {
					d := float64(k)
					day = &d
					break
				}
			}
			e += runwayErr(day, c.Crossings[i].Day, recent >= levels[j], c.Crossings[i].Already)
		}
		best = min(best, e)
	}
	return best
}
