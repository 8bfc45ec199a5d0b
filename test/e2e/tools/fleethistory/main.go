// Command fleethistory writes one cluster's history as OpenMetrics text
// for promtool's backfill, for the fleet benchmark (bench/fleet.sh):
// -nodes nodes of 16 allocatable cores and 64 GiB, each running one pod
// in one of five namespaces whose CPU use (a cAdvisor counter, every 5
// minutes) and working set (every 5 minutes) grow by -growth a day from
// about a third of the node, swinging over the day and from day to day
// (seeded); its requests, its phase and the node's allocatable are
// written hourly, as kube-state-metrics' series change rarely. Samples
// are 17 s off the five-minute grid, as scrapes are.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"time"
)

func main() {
	nodes := flag.Int("nodes", 3, "nodes")
	days := flag.Int("days", 90, "days of history, ending before -now's day")
	growth := flag.Float64("growth", 0.002, "share of its first day's use each pod adds a day")
	seed := flag.Uint64("seed", 1, "seed of the day-to-day swings")
	nowFlag := flag.String("now", "", "the run's day, YYYY-MM-DD (default: today, UTC)")
	flag.Parse()
	now := time.Now().UTC().Truncate(24 * time.Hour)
	if *nowFlag != "" {
		var err error
		if now, err = time.Parse(time.DateOnly, *nowFlag); err != nil {
			log.Fatalf("-now %q: %v", *nowFlag, err)
		}
	}
	start := now.AddDate(0, 0, -*days)
	rng := rand.New(rand.NewPCG(*seed, 7))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()

	type node struct {
		name, pod, ns string
		cpu0, mem0    float64
		noise         []float64
	}
	ns := make([]node, *nodes)
	for i := range ns {
		n := &ns[i]
		n.name, n.pod, n.ns = fmt.Sprintf("node-%03d", i), fmt.Sprintf("app-%03d", i), fmt.Sprintf("team-%d", i%5)
		n.cpu0, n.mem0 = 4+2*rng.Float64(), (16+8*rng.Float64())*(1<<30)
		n.noise = make([]float64, *days+1)
		for d := range n.noise {
			n.noise[d] = 1 + 0.05*rng.NormFloat64()
		}
	}
	level := func(n *node, base float64, d float64) float64 {
		return base * (1 + *growth*d) * n.noise[int(d)] * (1 + 0.2*math.Sin(2*math.Pi*d))
	}
	end := now.Add(-time.Hour)
	first := start.Add(17 * time.Second)
	fmt.Fprintln(w, "# TYPE container_cpu_usage_seconds counter")
	for i := range ns {
		n := &ns[i]
		labels := fmt.Sprintf(`container="app",image="app:1",namespace=%q,node=%q,pod=%q`, n.ns, n.name, n.pod)
		seconds := 0.0
		for t := first; t.Before(end); t = t.Add(5 * time.Minute) {
			seconds += 300 * level(n, n.cpu0, t.Sub(start).Hours()/24)
			fmt.Fprintf(w, "container_cpu_usage_seconds_total{%s} %.3f %d\n", labels, seconds, t.Unix())
		}
	}
	for i := range ns {
		n := &ns[i]
		labels := fmt.Sprintf(`container="app",image="app:1",namespace=%q,node=%q,pod=%q`, n.ns, n.name, n.pod)
		for t := first; t.Before(end); t = t.Add(5 * time.Minute) {
			fmt.Fprintf(w, "container_memory_working_set_bytes{%s} %.0f %d\n", labels, level(n, n.mem0, t.Sub(start).Hours()/24), t.Unix())
		}
	}
	hourly := func(metric string, value func(n *node) float64, labels func(n *node) string) {
		for i := range ns {
			n := &ns[i]
			l, v := labels(n), value(n)
			for t := first; t.Before(end); t = t.Add(time.Hour) {
				fmt.Fprintf(w, "%s{%s} %g %d\n", metric, l, v, t.Unix())
			}
		}
	}
	pod := func(n *node) string { return fmt.Sprintf(`namespace=%q,pod=%q`, n.ns, n.pod) }
	hourly("kube_pod_container_resource_requests", func(n *node) float64 { return math.Ceil(n.cpu0) }, func(n *node) string {
		return fmt.Sprintf(`container="app",%s,node=%q,resource="cpu",unit="core"`, pod(n), n.name)
	})
	hourly("kube_pod_container_resource_requests", func(n *node) float64 { return math.Ceil(n.mem0/(1<<30)) * (1 << 30) }, func(n *node) string {
		return fmt.Sprintf(`container="app",%s,node=%q,resource="memory",unit="byte"`, pod(n), n.name)
	})
	hourly("kube_pod_status_phase", func(*node) float64 { return 1 }, func(n *node) string { return pod(n) + `,phase="Running"` })
	hourly("kube_node_status_allocatable", func(*node) float64 { return 16 }, func(n *node) string {
		return fmt.Sprintf(`node=%q,resource="cpu",unit="core"`, n.name)
	})
	hourly("kube_node_status_allocatable", func(*node) float64 { return 64 << 30 }, func(n *node) string {
		return fmt.Sprintf(`node=%q,resource="memory",unit="byte"`, n.name)
	})
	fmt.Fprintln(w, "# EOF")
}
