package prom

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/common/model"

	"github.com/capplan/capplan/collectors"
)

// WorkloadDays is the window right-sizing reads: krr's default history
// of 336 hours, at one-minute steps.
const WorkloadDays = 14

// containers selects cAdvisor's container series (not the pod's sandbox
// "POD", nor the pod-level sums without a container).
const containers = `container!="", container!="POD"`

// Workloads reads, for every container of every workload, its pods'
// requests at time at (kube-state-metrics, pods Pending or Running) and
// their usage over the WorkloadDays before it (cAdvisor): each pod's 95th
// percentile of per-minute CPU rates (irate, as krr reads them) and its
// highest working set, and the number of memory samples. Pods are
// gathered into their owners through kube_pod_owner, kube_replicaset_owner
// and kube_job_owner: a ReplicaSet's Deployment, a Job's CronJob. A
// container whose pods have no owner series is its pod.
func (c *Collector) Workloads(ctx context.Context, at time.Time) ([]collectors.Workload, error) {
	window := fmt.Sprintf("%dd", WorkloadDays)
	by := func(v model.Vector, f func(s *model.Sample) string) map[string]*model.Sample {
		out := map[string]*model.Sample{}
		for _, s := range v {
			out[f(s)] = s
		}
		return out
	}
	key := func(s *model.Sample) string {
		return string(s.Metric["namespace"]) + "/" + string(s.Metric["pod"]) + "/" + string(s.Metric["container"])
	}
	queries := []struct {
		name, expr string
	}{
		{"cpu", `max by (namespace, pod, container) (quantile_over_time(0.95, irate(container_cpu_usage_seconds_total{` + containers + `}[5m])[` + window + `:1m]))`},
		{"memory", `max by (namespace, pod, container) (max_over_time(container_memory_working_set_bytes{` + containers + `}[` + window + `]))`},
		{"samples", `max by (namespace, pod, container) (count_over_time(container_memory_working_set_bytes{` + containers + `}[` + window + `]))`},
		{"cpu requests", `max by (namespace, pod, container) (kube_pod_container_resource_requests{resource="cpu"})`},
		{"memory requests", `max by (namespace, pod, container) (kube_pod_container_resource_requests{resource="memory"})`},
		{"holding", `max by (namespace, pod) (kube_pod_status_phase{phase=~"Pending|Running"}) == 1`},
		{"pod owners", `max by (namespace, pod, owner_kind, owner_name) (last_over_time(kube_pod_owner[` + window + `]))`},
		{"replicaset owners", `max by (namespace, replicaset, owner_kind, owner_name) (last_over_time(kube_replicaset_owner[` + window + `]))`},
		{"job owners", `max by (namespace, job_name, owner_kind, owner_name) (last_over_time(kube_job_owner[` + window + `]))`},
	}
	got := map[string]model.Vector{}
	for _, q := range queries {
		v, err := c.instant(ctx, q.expr, at)
		if err != nil {
			return nil, fmt.Errorf("workloads' %s: %w", q.name, err)
		}
		got[q.name] = v
	}
	cpu, mem, samples := by(got["cpu"], key), by(got["memory"], key), by(got["samples"], key)
	cpuReq, memReq := by(got["cpu requests"], key), by(got["memory requests"], key)
	holding := by(got["holding"], func(s *model.Sample) string { return string(s.Metric["namespace"]) + "/" + string(s.Metric["pod"]) })
	owner := func(v model.Vector, label string) map[string][2]string {
		out := map[string][2]string{}
		for _, s := range v {
			if k := string(s.Metric["owner_kind"]); k != "" && k != "<none>" {
				out[string(s.Metric["namespace"])+"/"+string(s.Metric[model.LabelName(label)])] = [2]string{k, string(s.Metric["owner_name"])}
			}
		}
		return out
	}
	pods, sets, jobs := owner(got["pod owners"], "pod"), owner(got["replicaset owners"], "replicaset"), owner(got["job owners"], "job_name")
	// workloadOf is a pod's owner at the top: Deployment over ReplicaSet,
	// CronJob over Job.
	workloadOf := func(ns, pod string) (kind, name string) {
		o, ok := pods[ns+"/"+pod]
		if !ok {
			return "Pod", pod
		}
		up := map[string]map[string][2]string{"ReplicaSet": sets, "Job": jobs}[o[0]]
		if top, ok := up[ns+"/"+o[1]]; ok {
			return top[0], top[1]
		}
		return o[0], o[1]
	}
	type wkey struct{ ns, kind, name, container string }
	out := map[wkey]*collectors.Workload{}
	// Every container with usage in the window, or with requests now.
	seen := map[string]model.Metric{}
	for _, v := range []map[string]*model.Sample{cpu, mem, cpuReq, memReq} {
		for k, s := range v {
			seen[k] = s.Metric
		}
	}
	for k, m := range seen {
		ns, pod, container := string(m["namespace"]), string(m["pod"]), string(m["container"])
		kind, name := workloadOf(ns, pod)
		wk := wkey{ns, kind, name, container}
		w := out[wk]
		if w == nil {
			w = &collectors.Workload{Namespace: ns, Kind: kind, Name: name, Container: container, WindowDays: WorkloadDays}
			out[wk] = w
		}
		if s, ok := cpu[k]; ok {
			v := float64(s.Value)
			if w.CPUP95 == nil || v > *w.CPUP95 {
				w.CPUP95 = &v
			}
		}
		if s, ok := mem[k]; ok {
			v := float64(s.Value)
			if w.MemoryMax == nil || v > *w.MemoryMax {
				w.MemoryMax = &v
			}
		}
		if s, ok := samples[k]; ok {
			w.Samples += int(s.Value)
		}
		if _, ok := holding[ns+"/"+pod]; !ok {
			continue
		}
		// Requests are the pods' that hold resources now; the pods of one
		// workload share a spec, and the largest stands where a rollout
		// is under way.
		r1, ok1 := cpuReq[k]
		r2, ok2 := memReq[k]
		if ok1 || ok2 {
			w.Pods++
		}
		if ok1 {
			w.CPURequest = max(w.CPURequest, float64(r1.Value))
		}
		if ok2 {
			w.MemoryRequest = max(w.MemoryRequest, float64(r2.Value))
		}
	}
	ws := make([]collectors.Workload, 0, len(out))
	for _, w := range out {
		ws = append(ws, *w)
	}
	slices.SortFunc(ws, func(a, b collectors.Workload) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Container, b.Container))
	})
	return ws, nil
}
