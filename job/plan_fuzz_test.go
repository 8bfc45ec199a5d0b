package job

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
)

// FuzzPlanCSV plans whatever CSV it is given against capacities of 36
// cores and 64 GiB: the plan refuses it or writes a report, never panics,
// and the report's every figure is finite, not negative (the series are
// quantities, their forecasts floored at zero) and within 100 times its
// resource's capacity (a runaway forecast is unknown, not a figure).
// `go test ./job -run '^$' -fuzz FuzzPlanCSV` searches beyond the seeds.
func FuzzPlanCSV(f *testing.F) {
	now := time.Now().UTC()
	start := now.Truncate(24*time.Hour).AddDate(0, 0, -60)
	long := func(value func(d, h int) string) string {
		var b strings.Builder
		b.WriteString("series,timestamp,value\n")
		for d := range 60 {
			for h := 0; h < 24; h += 6 {
				fmt.Fprintf(&b, "cpu/usage,%s,%s\n", start.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour).Format(time.RFC3339), value(d, h))
			}
		}
		return b.String()
	}
	rising := func(d, h int) string { return fmt.Sprint(10 + 0.05*float64(d) + float64(h)/12) }
	for _, seed := range []string{
		long(rising),
		long(func(d, h int) string { return fmt.Sprint(10 * math.Exp(0.1*float64(d))) }), // faster than any capacity
		long(func(d, h int) string {
			if d == 30 {
				return "35.9"
			}
			return rising(d, h)
		}),
		long(func(d, h int) string { return fmt.Sprint(0.2 * float64(60-d)) }), // down to zero
		long(func(int, int) string { return "0" }),
		long(func(d, h int) string {
			if d%7 == 0 {
				return ""
			}
			return rising(d, h)
		}),
		long(func(d, h int) string {
			if d == 20 {
				return "-5"
			}
			return rising(d, h)
		}),
		long(func(d, h int) string {
			if d == 20 {
				return "1e308"
			}
			return rising(d, h)
		}),
		"series,timestamp,value\n",
		"timestamp,cpu/usage,memory/usage\n" + start.Format(time.RFC3339) + ",1,1e9\n" + start.AddDate(0, 0, 1).Format(time.RFC3339) + ",2,2e9\n" +
			start.AddDate(0, 0, 2).Format(time.RFC3339) + ",3,3e9\n" + start.AddDate(0, 0, 3).Format(time.RFC3339) + ",4,4e9\n",
		"timestamp,cpu/usage\n" + start.Format(time.RFC3339) + ",NaN\n",
		"\"series\",\"timestamp\",\"value\"\n\"cpu/usage\",\"" + start.Format(time.RFC3339) + "\",\"1\"\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		csv := filepath.Join(dir, "history.csv")
		if err := os.WriteFile(csv, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c := config.Default()
		c.Sources.HistoryCSV = csv
		c.Planner.Capacities = map[string]float64{"cpu/usage": 36, "memory/usage": 64 << 30}
		res, err := Plan(context.Background(), c, now, "", "", filepath.Join(dir, "out"))
		if len(res.Files) == 0 {
			if err == nil {
				t.Fatal("no report and no error")
			}
			return
		}
		var r struct {
			Resources []map[string]any `json:"resources"`
		}
		if err := json.Unmarshal(res.File("report.json"), &r); err != nil {
			t.Fatalf("report.json: %v", err)
		}
		for _, res := range r.Resources {
			capacity, _ := res["capacity"].(float64)
			if !(capacity > 0) {
				t.Errorf("%v: capacity %v", res["name"], res["capacity"])
			}
			figures(res, func(path string, v float64) {
				if v < 0 || math.IsInf(v, 0) || math.IsNaN(v) || v > 100*capacity {
					t.Errorf("%v: %s is %v, against a capacity of %v", res["name"], path, v, capacity)
				}
			})
		}
		if md := string(res.File("report.md")); strings.Contains(md, "NaN") || strings.Contains(md, "Inf") {
			t.Errorf("report.md holds a figure that is not a number:\n%s", md)
		}
	})
}

// figures calls f with every number in v, a decoded JSON value, and where
// it is.
func figures(v any, f func(path string, v float64), path ...string) {
	switch x := v.(type) {
	case float64:
		f(strings.Join(path, "."), x)
	case []any:
		for i, e := range x {
			figures(e, f, append(path, fmt.Sprint(i))...)
		}
	case map[string]any:
		for k, e := range x {
			figures(e, f, append(path, k)...)
		}
	}
}
