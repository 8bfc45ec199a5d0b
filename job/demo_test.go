package job

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/test/servertest"
)

// TestDemoWeeks replays three Mondays: one commit each, dated its Monday,
// each week compared with the one before; a replay again adds nothing.
func TestDemoWeeks(t *testing.T) {
	servertest.NeedGit(t)
	dir := filepath.Join(t.TempDir(), "demo")
	c := demoConfig(t, dir)
	now := time.Date(2026, 12, 2, 15, 4, 0, 0, time.UTC) // a Wednesday
	res, err := demoWeeks(context.Background(), c, now, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Report.Date != "2026-11-16" || res[2].Report.Date != "2026-11-30" {
		t.Fatalf("%d weeks: %s to %s", len(res), res[0].Report.Date, res[len(res)-1].Report.Date)
	}
	if res[2].Report.ComparedWith != "2026-11-23" || res[0].Report.ComparedWith != "" {
		t.Errorf("compared with %q and %q", res[0].Report.ComparedWith, res[2].Report.ComparedWith)
	}
	if n := res[2].Report.Narrative; n.Source != "deterministic" || !strings.Contains(n.Reason, "disabled") {
		t.Errorf("newest week's narrative: %+v", n)
	}
	if n := res[0].Report.Narrative; !strings.Contains(n.Reason, "earlier weeks of the demo") {
		t.Errorf("earlier week's narrative reason %q", n.Reason)
	}
	log := servertest.Git(t, dir, "log", "--format=%aI %s")
	want := "2026-11-30T09:00:00Z Capacity report 2026-11-30: homelab (demo)\n" +
		"2026-11-23T09:00:00Z Capacity report 2026-11-23: homelab (demo)\n" +
		"2026-11-16T09:00:00Z Capacity report 2026-11-16: homelab (demo)"
	if log != strings.ReplaceAll(want, "Z ", "+00:00 ") {
		t.Errorf("git log:\n%s\nwant\n%s", log, want)
	}
	again, err := demoWeeks(context.Background(), c, now, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Changed {
			t.Errorf("replaying %s again committed", r.Report.Date)
		}
	}
	for _, tc := range []struct {
		weeks int
		demo  bool
	}{{0, true}, {53, true}, {2, false}} {
		c := c
		c.Demo = tc.demo
		if _, err := demoWeeks(context.Background(), c, now, tc.weeks, nil); !errors.As(err, new(config.Error)) {
			t.Errorf("%d weeks, demo %v: %v, want a configuration error", tc.weeks, tc.demo, err)
		}
	}
}
