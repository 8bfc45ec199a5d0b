package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlanDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, stdout, stderr := capplan(t, "plan", "--demo", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "13 files, 11 resources") {
		t.Errorf("stdout %q", stdout)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(md), "# Capacity report: homelab (demo), ") || !strings.Contains(string(md), "](chart-cpu-usage.svg)") {
		t.Errorf("report.md starts %.80q", md)
	}
	if _, err := os.Stat(filepath.Join(dir, "chart-cpu-usage.svg")); err != nil {
		t.Error(err)
	}
	// Next week's run reads this one.
	code, _, stderr = capplan(t, "plan", "--demo", "--out", filepath.Join(t.TempDir(), "next"), "--previous", filepath.Join(dir, "report.json"))
	if code != 0 {
		t.Fatalf("with --previous: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan", "--demo"}, 2, "--out DIR is required"},
		{[]string{"plan", "--demo", "--out", dir, "--config", "no-such.yaml"}, 1, "no-such.yaml"},
		{[]string{"plan", "--demo", "--out", dir, "--previous", "../../README.md"}, 1, "previous report ../../README.md"},
	} {
		code, _, stderr := capplan(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}
