package narrate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/report"
	"github.com/ollama/ollama/api"
)

// demo is the demo cluster's report of 2026-11-23 (testdata/report.json,
// see testdata/README.md).
func demo(t *testing.T) report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDeterministicPassesTheCheck(t *testing.T) {
	r := demo(t)
	text := Deterministic(r)
	prompt, err := Prompt(r, "")
	if err != nil {
		t.Fatal(err)
	}
	if bad := NewFigures(r, prompt).Check(text, 1); len(bad) > 0 {
		t.Fatalf("the deterministic narrative fails its own check: %+v\n%s", bad, text)
	}
	for _, want := range []string{"**Outlook:**", "**Risks:**", "**Actions:**", "cpu/usage reaches its CPU peak threshold (29.32 cores) on 2026-12-08, 15 days from now", "Losing mini-1"} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks %q:\n%s", want, text)
		}
	}
}

func TestCheck(t *testing.T) {
	r := demo(t)
	prompt, err := Prompt(r, "")
	if err != nil {
		t.Fatal(err)
	}
	fs := NewFigures(r, prompt)
	res := r.Resources[0]
	var date string
	for _, c := range res.Crossings {
		if c.Date != nil {
			date = c.Date.Format(time.DateOnly)
		}
	}
	if res.Runway == nil || date == "" {
		t.Fatalf("testdata's first resource has no dated crossing: %s %+v", res.Name, res.Crossings)
	}
	for _, tc := range []struct {
		text string
		bad  []string
	}{
		{fmt.Sprintf("%s crosses on %s, in %.0f days.", res.Name, date, *res.Runway), nil},
		// The next sentence speaks of the same resource.
		{fmt.Sprintf("%s crosses on %s. That is in about %.1f months.", res.Name, date, *res.Runway/30.44), nil},
		// Said of nothing, a resource's figure is the cluster's: unbound.
		{fmt.Sprintf("In about %.1f months.", *res.Runway/30.44), []string{fmt.Sprintf("%.1f months", *res.Runway/30.44)}},
		{"Allocatable memory is 183 GiB across 3 nodes.", nil},
		{"Allocatable memory is 196.5 GB.", nil},
		{"Allocatable memory is 777 GiB.", []string{"777 GiB"}},
		{"Ceph holds 6 TB raw.", nil},
		{"Ceph holds 17 TB raw.", []string{"17 TB"}},
		{"CPU reaches 143% on 2027-13-01.", []string{"143%", "2027-13-01"}},
		{"Buy 4 nodes for $123,456.", []string{"4 nodes", "$123,456"}},
		{"node-7 and llama3 are names, not figures; so is N+1.", nil},
		{"3 steps: 1. look, 2. buy.", nil},
	} {
		var got []string
		for _, c := range fs.Check(tc.text, 1) {
			got = append(got, c.Text)
		}
		if strings.Join(got, "|") != strings.Join(tc.bad, "|") {
			t.Errorf("%q: rejected %q, want %q", tc.text, got, tc.bad)
		}
	}
}

// replay serves /api/show and, for /api/generate, the drafts in order: each
// a list of NDJSON lines, written with pause between them.
func replay(t *testing.T, pause time.Duration, drafts ...[]string) (string, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/show":
			fmt.Fprint(w, `{"model_info":{"llama.context_length":8192}}`)
		case "/api/generate":
			n := int(calls.Add(1)) - 1
			if n >= len(drafts) {
				n = len(drafts) - 1
			}
			w.Header().Set("Content-Type", "application/x-ndjson")
			for _, line := range drafts[n] {
				fmt.Fprintln(w, line)
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(pause):
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &calls
}

// recorded is a real /api/generate stream of the tiny test model
// (testdata/generate-stream.ndjson): word chunks, then the final chunk
// with done_reason "length", timings and the context.
func recorded(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "generate-stream.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// stream writes text as a generate stream in the recorded one's form, a
// word a chunk, ending with the recorded final chunk given reason; an
// empty reason leaves the final chunk out.
func stream(t *testing.T, text, reason string) []string {
	rec := recorded(t)
	var lines []string
	for _, w := range strings.SplitAfter(text, " ") {
		var chunk map[string]any
		if err := json.Unmarshal([]byte(rec[0]), &chunk); err != nil {
			t.Fatal(err)
		}
		chunk["response"] = w
		b, _ := json.Marshal(chunk)
		lines = append(lines, string(b))
	}
	if reason != "" {
		var last map[string]any
		if err := json.Unmarshal([]byte(rec[len(rec)-1]), &last); err != nil {
			t.Fatal(err)
		}
		last["done_reason"] = reason
		b, _ := json.Marshal(last)
		lines = append(lines, string(b))
	}
	return lines
}

func options(host string) Options {
	o := Options{Ollama: config.Default().Ollama}
	o.Host, o.Model, o.Timeout = host, "m", 5*time.Second
	return o
}

func TestReplayedStreams(t *testing.T) {
	r := demo(t)
	good := Deterministic(r)
	invented := strings.Replace(good, "**Outlook:** ", "**Outlook:** Usage grows 37% a month and Ceph fills on 2027-02-30. ", 1)
	for _, tc := range []struct {
		name     string
		drafts   [][]string
		pause    time.Duration
		source   string
		reason   string
		rejected int
		calls    int32
	}{
		{"a good draft", [][]string{stream(t, good, "stop")}, 0, "ollama", "", 0, 1},
		{"invented, then good", [][]string{stream(t, invented, "stop"), stream(t, good, "stop")}, 0, "ollama", "", 2, 2},
		{"invented twice", [][]string{stream(t, invented, "stop")}, 0, "deterministic", "two drafts", 4, 2},
		{"recorded: cut by num_predict", [][]string{recorded(t)}, 0, "deterministic", "num_predict", 0, 1},
		{"recorded: cut mid-way", [][]string{recorded(t)[:10]}, 0, "deterministic", "ended before the model finished", 0, 1},
		{"recorded: error mid-stream", [][]string{append(recorded(t)[:5:5], `{"error":"model runner has unexpectedly stopped"}`)}, 0, "deterministic", "unexpectedly stopped", 0, 1},
		{"recorded: slower than the budget", [][]string{recorded(t)}, 200 * time.Millisecond, "deterministic", "budget", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host, calls := replay(t, tc.pause, tc.drafts...)
			o := options(host)
			if tc.pause > 0 {
				o.Timeout = time.Second
			}
			start := time.Now()
			n := Write(context.Background(), r, o)
			if n.Source != tc.source || !strings.Contains(n.Reason, tc.reason) || len(n.Rejected) != tc.rejected || calls.Load() != tc.calls {
				t.Fatalf("got source %q reason %q, %d rejected %+v, %d calls; want %q, %q, %d, %d",
					n.Source, n.Reason, len(n.Rejected), n.Rejected, calls.Load(), tc.source, tc.reason, tc.rejected, tc.calls)
			}
			if n.Source == "deterministic" && n.Text != good {
				t.Errorf("published text is not the deterministic narrative:\n%s", n.Text)
			}
			if tc.pause > 0 && time.Since(start) > 3*time.Second {
				t.Errorf("the budget of %s was not kept: %s", o.Timeout, time.Since(start))
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	host := srv.URL
	srv.Close()
	n := Write(context.Background(), demo(t), options(host))
	if n.Source != "deterministic" || !strings.Contains(n.Reason, host) {
		t.Fatalf("%+v", n)
	}
}

func TestPromptOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, PromptFile), []byte("Cluster {{.Cluster}} on {{.Date}}."), 0o644); err != nil {
		t.Fatal(err)
	}
	r := demo(t)
	p, err := Prompt(r, dir)
	if err != nil || p != "Cluster "+r.Cluster+" on "+r.Date+"." {
		t.Fatalf("%q, %v", p, err)
	}
	if err := os.WriteFile(filepath.Join(dir, PromptFile), []byte("{{.Nope}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Prompt(r, dir); err == nil || !strings.Contains(err.Error(), PromptFile) {
		t.Fatalf("a broken template: %v", err)
	}
}

// TestRealOllama runs the narrative through a real Ollama server and a tiny
// random model: its drafts are gibberish with numbers in them, so both are
// rejected and the deterministic narrative is published with their claims.
func TestRealOllama(t *testing.T) {
	host := startOllama(t)
	r := demo(t)
	o := options(host)
	o.Model, o.Timeout = "tiny", time.Minute

	// The draft arrives as a stream of chunks, the last one done.
	client, err := newClient(host)
	if err != nil {
		t.Fatal(err)
	}
	chunks, done := 0, false
	err = client.Generate(context.Background(), &api.GenerateRequest{Model: "tiny", Prompt: "Draft the capacity narrative.", Options: map[string]any{"num_predict": 16, "seed": 1, "temperature": 0}},
		func(g api.GenerateResponse) error { chunks++; done = g.Done; return nil })
	if err != nil || chunks < 2 || !done {
		t.Fatalf("stream: %d chunks, done %v, %v", chunks, done, err)
	}
	n := Write(context.Background(), r, o)
	if n.Source != "deterministic" || len(n.Rejected) == 0 || n.Rejected[len(n.Rejected)-1].Draft != 2 {
		t.Fatalf("%+v", n)
	}
	t.Logf("rejected: %+v", n.Rejected)

	// num_predict cuts a draft short: never published as a narrative.
	o.NumPredict = 3
	if n := Write(context.Background(), r, o); n.Source != "deterministic" || !strings.Contains(n.Reason, "num_predict") {
		t.Fatalf("num_predict 3: %+v", n)
	}

	o = options(host)
	o.Model = "missing"
	if n := Write(context.Background(), r, o); n.Source != "deterministic" || !strings.Contains(n.Reason, "model missing is not on the Ollama server") {
		t.Fatalf("missing model: %+v", n)
	}

	// Cancellation ends the stream at once.
	o = options(host)
	o.Model = "tiny"
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n := Write(ctx, r, o); n.Source != "deterministic" {
		t.Fatalf("cancelled: %+v", n)
	}
}

// TestRequest checks what is asked of Ollama: a stream, num_predict, the
// temperature, and num_ctx sized for the prompt within the model's context.
func TestRequest(t *testing.T) {
	r := demo(t)
	prompt, err := Prompt(r, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		contextLength, want int
	}{
		{8192, (len(prompt)/3 + 2*1024 + 1023) / 1024 * 1024},
		{2048, 2048},
	} {
		var got map[string]any
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch req.URL.Path {
			case "/api/show":
				fmt.Fprintf(w, `{"model_info":{"llama.context_length":%d}}`, tc.contextLength)
			case "/api/generate":
				if err := json.NewDecoder(req.Body).Decode(&got); err != nil {
					t.Error(err)
				}
				for _, line := range stream(t, Deterministic(r), "stop") {
					fmt.Fprintln(w, line)
				}
			}
		}))
		n := Write(context.Background(), r, options(srv.URL))
		srv.Close()
		if n.Source != "ollama" {
			t.Fatalf("%+v", n)
		}
		opts, _ := got["options"].(map[string]any)
		if got["stream"] != true || got["model"] != "m" || got["prompt"] != prompt ||
			opts["num_predict"] != 1024.0 || opts["temperature"] != 0.2 || opts["num_ctx"] != float64(tc.want) {
			t.Errorf("context length %d: request %v, want num_ctx %d", tc.contextLength, opts, tc.want)
		}
	}
}

// TestDeterministicSoonestFirst lists the resources that need attention by
// their first crossing, whatever their order in the report.
func TestDeterministicSoonestFirst(t *testing.T) {
	r := demo(t)
	var usage, requests report.Resource
	for _, res := range r.Resources {
		switch res.Name {
		case "cpu/usage":
			usage = res
		case "cpu/requests":
			requests = res
		}
	}
	requests.Status = "warning" // reaches its CPU average threshold in 2027-03
	r.Resources = []report.Resource{requests, usage}
	text := Deterministic(r)
	u, q := strings.Index(text, "cpu/usage reaches"), strings.Index(text, "cpu/requests reaches")
	if !strings.Contains(text, "2 resources need attention, soonest first") || u < 0 || q < 0 || u > q {
		t.Fatalf("want cpu/usage (today) before cpu/requests (2027-03):\n%s", text)
	}
}

// TestFabricatedDrafts: a number, its unit and date are accepted only for
// the subject the sentence speaks of (issue: a draft of true numbers put
// in the wrong places passed with no rejection).
func TestFabricatedDrafts(t *testing.T) {
	r := demo(t)
	fs := NewFigures(r, "")
	for _, tc := range []struct {
		name, text string
		bad        []string
	}{
		{"true", "cpu/usage reaches its CPU peak threshold (29.32 cores) on 2026-12-08, as early as 2026-11-24: 15 days of runway. " +
			"cpu/requests reaches 24.15 cores (70%) on 2027-02-25, in 94 days. Add a node: $1,500 for at least 11.5 months gained ($130 per month). " +
			"Losing mini-1 leaves 23.00 cores for 21.17 cores requested.", nil},
		{"the issue's draft", "Ceph raw reaches 49% on 2027-02-01, short by 27.6 GiB, buy 3 nodes.", []string{"49%", "2027-02-01", "27.6 GiB", "3 nodes"}},
		{"wrong resource", "memory/usage reaches its peak threshold of 29.32 cores on 2026-12-08.", []string{"29.32 cores", "2026-12-08"}},
		{"wrong date", "cpu/usage reaches its CPU peak threshold on 2027-02-25.", []string{"2027-02-25"}},
		{"wrong dollar amount", "Add a node for $1,200 to gain 11.5 months.", []string{"$1,200"}},
		{"right numbers in the wrong place", "cpu/requests has 15 days of runway. memory/usage is at 61% of its capacity.", []string{"15 days", "61%"}},
		{"GB for GiB", "memory/usage is 85.3 GB on average; 91.6 GB is the same in decimal units.", []string{"85.3 GB"}},
		{"a date carried to the next sentence", "cpu/requests is the next to watch. It crosses on 2026-12-08.", []string{"2026-12-08"}},
	} {
		var got []string
		for _, c := range fs.Check(tc.text, 1) {
			got = append(got, c.Text)
		}
		if strings.Join(got, "|") != strings.Join(tc.bad, "|") {
			t.Errorf("%s: rejected %q, want %q", tc.name, got, tc.bad)
		}
	}
}
