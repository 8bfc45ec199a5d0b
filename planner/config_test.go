package planner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := LoadConfig(write("ok.yaml", "thresholds:\n  cpu_average: 0.6\nhorizon_days: 120\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Thresholds.CPUAverage, want.HorizonDays = 0.6, 120
	if c.Thresholds != want.Thresholds || c.HorizonDays != 120 || c.Months != want.Months || len(c.Catalogue) != len(want.Catalogue) {
		t.Errorf("config %+v, want the defaults with cpu_average 0.6 and 120 days", c)
	}
	for name, tc := range map[string]struct{ body, want string }{
		"typo.yaml":    {"thresholds:\n  cpu_avg: 0.6\n", `unknown field "cpu_avg"`},
		"percent.yaml": {"thresholds:\n  memory_peak: 90\n", "thresholds.memory_peak is 90: want a fraction"},
		"order.yaml":   {"thresholds:\n  storage_expand: 0.9\n", "storage_expand (0.9) must be below storage_critical (0.85)"},
		"horizon.yaml": {"horizon_days: 3\n", "horizon_days is 3"},
	} {
		if _, err := LoadConfig(write(name, tc.body)); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file and %q", name, err, tc.want)
		}
	}
}
