package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func capplan(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestForecastSample(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "fc.csv")
	code, _, stderr := capplan(t, "forecast", "--in", "../../docs/examples/resource_metrics.csv", "--horizon", "30", "--out", dst)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "series,timestamp,mean,lo80,hi80,lo95,hi95" {
		t.Errorf("header %q", got)
	}
	perSeries := map[string]int{}
	for _, r := range rows[1:] {
		perSeries[r[0]]++
	}
	for _, s := range []string{"cpu", "memory", "disk", "network"} {
		if perSeries[s] != 30 {
			t.Errorf("%s: %d rows, want 30", s, perSeries[s])
		}
	}
	// The sample ends on 2026-11-24; daily steps continue from there.
	if rows[1][1] != "2026-11-25T00:00:00Z" || rows[30][1] != "2026-12-24T00:00:00Z" {
		t.Errorf("timestamps %s .. %s, want 2026-11-25 .. 2026-12-24", rows[1][1], rows[30][1])
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("series,timestamp,value\ncpu,2026-01-01T00:00:00Z,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"--help"}, 0, "Commands:"},
		{"no command", nil, 2, "Usage:"},
		{"unknown", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"version", []string{"version"}, 0, "capplan "},
		{"forecast help", []string{"forecast", "--help"}, 0, "-horizon"},
		{"missing input", []string{"forecast", "--horizon", "3"}, 2, "--in is required"},
		{"bad horizon", []string{"forecast", "--in", bad, "--horizon", "0"}, 2, "horizon must be at least 1"},
		{"bad level", []string{"forecast", "--in", bad, "--horizon", "3", "--level", "80,x"}, 2, `"x" is not a number`},
		{"bad model", []string{"forecast", "--in", bad, "--horizon", "3", "--model", "QQQ"}, 2, `model "QQQ"`},
		{"bad cell", []string{"forecast", "--in", bad, "--horizon", "3"}, 1, "bad.csv:2:3"},
		// A plan stage given 1 ns plans nothing: the report is written
		// and the run exits 3.
		{"nothing planned", []string{"run", "--demo", "--dry-run", "--out", filepath.Join(t.TempDir(), "r"), "--ollama=false", "--timeout-plan", "1ns"}, 3, "no resource could be planned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := capplan(t, tt.args...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, stdout+stderr, tt.code, tt.want)
			}
		})
	}
}

func TestFailedForecastLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("series,timestamp,value\na,2026-01-01T00:00:00Z,1\na,2026-01-02T00:00:00Z,2\na,2026-01-03T00:00:00Z,3\nb,2026-01-01T00:00:00Z,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	code, _, stderr := capplan(t, "forecast", "--in", in, "--horizon", "2", "--out", out)
	if code != 1 || !strings.Contains(stderr, `series "b"`) {
		t.Fatalf("exit %d, stderr %q; want 1 naming series b", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed run, want only the input", len(entries))
	}
}

// The same input gives the same forecast, byte for byte, however the
// series are spread over workers.
func TestForecastIsReproducible(t *testing.T) {
	dir := t.TempDir()
	var outputs [][]byte
	for i, workers := range []string{"1", "2", "2"} {
		dst := filepath.Join(dir, "fc"+workers+string(rune('a'+i))+".csv")
		if code, _, stderr := capplan(t, "forecast", "--in", "../../docs/examples/resource_metrics.csv", "--horizon", "60", "--workers", workers, "--out", dst); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, b)
	}
	for i := 1; i < len(outputs); i++ {
		if !bytes.Equal(outputs[0], outputs[i]) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}
