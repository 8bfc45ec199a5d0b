package job

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/prom"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/test/servertest"
	"github.com/capplan/capplan/units"
)

// krrPercentile is numpy's default (linear) percentile, as krr's simple
// strategy takes it.
func krrPercentile(vs []float64, q float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	pos := q / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}

// TestRightSizingFromPrometheus: a real Prometheus holding 14 days of
// cAdvisor CPU counters and working sets, scraped every minute, for the
// two pods of Deployment web (through ReplicaSet web-6d4b) and the pod of
// StatefulSet db, with kube-state-metrics' requests, phases and owners,
// backfilled with promtool. The recommendations agree within 5% with
// krr's simple strategy recomputed here from the same samples by its
// published rules (each pod's 95th percentile of per-minute CPU rates, the
// highest over the pods, rounded up to the millicore; the highest working
// set plus 15%, rounded up to the megabyte), and report.md shows them and
// the option they make.
func TestRightSizingFromPrometheus(t *testing.T) {
	at := time.Now().UTC().Truncate(time.Hour)
	start := at.Add(-prom.WorkloadDays*24*time.Hour - time.Hour)
	type pod struct {
		name, owner, kind, container string
		cpuReq, memReq               float64
		cpu                          func(i int) float64 // cores in minute i
		mem                          func(i int) float64 // bytes
	}
	// Deterministic jitter in [0, 1): the fractional part of i times the
	// golden ratio.
	jitter := func(i, seed int) float64 { return math.Mod(float64(i*(seed+1))*0.6180339887, 1) }
	pods := []pod{
		{"web-6d4b-aaaaa", "web-6d4b", "ReplicaSet", "app", 1, 2e9,
			func(i int) float64 { return 0.2 + 0.3*jitter(i, 1) }, func(i int) float64 { return 6e8 + 2e8*jitter(i, 2) }},
		{"web-6d4b-bbbbb", "web-6d4b", "ReplicaSet", "app", 1, 2e9,
			func(i int) float64 { return 0.1 + 0.5*jitter(i, 3)*jitter(i, 4) }, func(i int) float64 { return 5e8 + 4e8*jitter(i, 5) }},
		{"db-0", "db", "StatefulSet", "pg", 0.5, 1e9,
			func(i int) float64 { return 0.6 + 0.4*math.Pow(jitter(i, 6), 3) }, func(i int) float64 { return 1.5e9 + 1e8*jitter(i, 7) }},
	}
	minutes := int(at.Sub(start) / time.Minute)
	var b strings.Builder
	family := func(name, typ string, series func(p pod) (labels string, value func(i int) float64, from int)) {
		if typ != "" {
			fmt.Fprintf(&b, "# TYPE %s %s\n", strings.TrimSuffix(name, "_total"), typ)
		}
		for _, p := range pods {
			labels, value, from := series(p)
			for i := from; i < minutes; i++ {
				fmt.Fprintf(&b, "%s{%s} %.6f %d\n", name, labels, value(i), start.Add(time.Duration(i)*time.Minute).Unix())
			}
		}
	}
	recent := minutes - 60 // kube-state-metrics' series: the last hour is enough
	family("container_cpu_usage_seconds_total", "counter", func(p pod) (string, func(int) float64, int) {
		total := make([]float64, minutes)
		for i := 1; i < minutes; i++ {
			total[i] = total[i-1] + 60*p.cpu(i)
		}
		return fmt.Sprintf(`container=%q,namespace="shop",pod=%q,image="x"`, p.container, p.name), func(i int) float64 { return total[i] }, 0
	})
	family("container_memory_working_set_bytes", "", func(p pod) (string, func(int) float64, int) {
		return fmt.Sprintf(`container=%q,namespace="shop",pod=%q,image="x"`, p.container, p.name), p.mem, 0
	})
	family("kube_pod_container_resource_requests", "", func(p pod) (string, func(int) float64, int) {
		return fmt.Sprintf(`container=%q,namespace="shop",pod=%q,resource="cpu",unit="core"`, p.container, p.name), func(int) float64 { return p.cpuReq }, recent
	})
	// The memory requests, the same family's other series.
	for _, p := range pods {
		for i := recent; i < minutes; i++ {
			fmt.Fprintf(&b, "kube_pod_container_resource_requests{container=%q,namespace=\"shop\",pod=%q,resource=\"memory\",unit=\"byte\"} %.0f %d\n", p.container, p.name, p.memReq, start.Add(time.Duration(i)*time.Minute).Unix())
		}
	}
	family("kube_pod_status_phase", "", func(p pod) (string, func(int) float64, int) {
		return fmt.Sprintf(`namespace="shop",phase="Running",pod=%q`, p.name), func(int) float64 { return 1 }, recent
	})
	family("kube_pod_owner", "", func(p pod) (string, func(int) float64, int) {
		return fmt.Sprintf(`namespace="shop",owner_kind=%q,owner_name=%q,pod=%q`, p.kind, p.owner, p.name), func(int) float64 { return 1 }, recent
	})
	for i := recent; i < minutes; i++ {
		fmt.Fprintf(&b, "kube_replicaset_owner{namespace=\"shop\",owner_kind=\"Deployment\",owner_name=\"web\",replicaset=\"web-6d4b\"} 1 %d\n", start.Add(time.Duration(i)*time.Minute).Unix())
	}
	b.WriteString("# EOF\n")
	promURL := servertest.Prometheus(t, b.String())

	// krr's figures from the same samples: the rates of the minutes in
	// the window (the last 14 days before at), each pod's 95th
	// percentile, the highest over the workload's pods.
	first := minutes - prom.WorkloadDays*24*60
	krrCPU, krrMem := map[string]float64{}, map[string]float64{}
	for _, p := range pods {
		w := map[string]string{"web-6d4b": "web", "db": "db"}[p.owner]
		var rs []float64
		var mx float64
		for i := first; i < minutes; i++ {
			rs = append(rs, p.cpu(i))
			mx = max(mx, p.mem(i))
		}
		krrCPU[w] = max(krrCPU[w], krrPercentile(rs, 95))
		krrMem[w] = max(krrMem[w], mx)
	}
	for w := range krrCPU {
		krrCPU[w] = max(math.Ceil(krrCPU[w]*1000)/1000, 0.010)
		krrMem[w] = max(math.Ceil(krrMem[w]*1.15/1e6)*1e6, 100e6)
	}

	pc, err := prom.New(prom.Options{URL: promURL})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := pc.Workloads(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Kind != "Deployment" || ws[0].Name != "web" || ws[0].Pods != 2 || ws[1].Kind != "StatefulSet" || ws[1].Name != "db" || ws[1].Pods != 1 {
		t.Fatalf("workloads %+v", ws)
	}
	for _, w := range ws {
		if w.Samples < 100 || w.CPUP95 == nil || w.MemoryMax == nil {
			t.Fatalf("%s: %d samples, usage %v %v", w.Name, w.Samples, w.CPUP95, w.MemoryMax)
		}
	}

	// Through the planner and the report: the cluster's requests grow
	// 0.05 core a day to 6 cores of two 8-core nodes.
	node := func(name string) collectors.Node {
		r := collectors.Resources{CPUCores: 8, MemoryBytes: 32 << 30}
		return collectors.Node{Name: name, Ready: true, Schedulable: true, Capacity: r, Allocatable: r}
	}
	requests := collectors.Series{Name: "cpu/requests", Unit: units.Cores, Source: "test"}
	for d := range 120 {
		v := 6 - 0.05*float64(119-d)
		requests.Days = append(requests.Days, collectors.Day{Date: at.Truncate(24*time.Hour).AddDate(0, 0, d-120), Mean: v, Peak: v})
	}
	snap := collectors.Snapshot{Nodes: []collectors.Node{node("n1"), node("n2")}, Workloads: ws, Sources: map[string]string{"workloads": "prometheus"}}
	files, r, err := renderPlan(snap, collectors.History{Series: []collectors.Series{requests}}, config.Default().Planner, at, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := r.RightSizing
	if rs == nil || len(rs.Resizes) != 2 {
		t.Fatalf("right-sizing %+v", rs)
	}
	for _, z := range rs.Resizes {
		if z.CPURecommended == nil || z.MemoryRecommended == nil {
			t.Fatalf("%s: no recommendation %+v", z.Name, z)
		}
		if got, want := *z.CPURecommended, krrCPU[z.Name]; math.Abs(got-want) > 0.05*want {
			t.Errorf("%s: CPU %v, krr %v", z.Name, got, want)
		}
		if got, want := *z.MemoryRecommended, krrMem[z.Name]; math.Abs(got-want) > 0.05*want {
			t.Errorf("%s: memory %v, krr %v", z.Name, got, want)
		}
		t.Logf("%s: CPU %.3f (krr %.3f), memory %.0f MB (krr %.0f)", z.Name, *z.CPURecommended, krrCPU[z.Name], *z.MemoryRecommended/1e6, krrMem[z.Name]/1e6)
	}
	res := Result{Report: r, Files: files}
	md := string(res.File("report.md"))
	sec := section(md, "## What right-sizing wins back")
	if !strings.Contains(sec, "| shop | Deployment web | app | 2 | 1.00 cores |") || !strings.Contains(sec, "| shop | StatefulSet db | pg | 1 | 0.50 cores |") {
		t.Errorf("report.md's right-sizing section:\n%s", sec)
	}
	i := slices.IndexFunc(r.Options, func(e planner.Evaluation) bool { return e.RightSizing })
	if i < 0 || r.Options[i].Cost != 0 || !(r.Options[i].GainMonths > 0) {
		t.Errorf("no right-sizing option that gains runway at $0: %+v", r.Options)
	}
}
