package planner

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/capplan/capplan/collectors"
)

// Right-sizing follows krr's "simple" strategy (robusta-dev/krr,
// strategies/simple.py and core/runner.py), so that its figures can be
// checked against a tool SREs know: a container's CPU request is the
// highest of its pods' 95th percentiles of CPU use, its memory request
// the highest working set of any pod plus 15%; CPU is rounded up to the
// millicore and memory to the megabyte, with krr's floors of 10m and
// 100 MB; a container with fewer than 100 samples is not sized.
const (
	rightMemoryBuffer = 0.15
	rightMinSamples   = 100
	rightMinCPU       = 0.010
	rightMinMemory    = 100e6
)

// RightSizing is what setting every sized container's requests to the
// strategy's would change, cluster-wide.
type RightSizing struct {
	// Strategy says how requests are recommended, in words.
	Strategy   string `json:"strategy"`
	WindowDays int    `json:"window_days"`
	// Resizes are the sized containers, the largest change of CPU
	// requests (freed or raised) first.
	Resizes []Resize `json:"resizes"`
	// TooFewSamples counts the containers not sized: under 100 samples
	// in the window, or no usage known.
	TooFewSamples int `json:"too_few_samples,omitempty"`
	// Freed is what lowering requests frees, Raised what raising those of
	// the containers using more than they request takes (CPU in cores,
	// memory in bytes); the net is what the option wins back.
	CPUFreed     float64 `json:"cpu_freed_cores"`
	CPURaised    float64 `json:"cpu_raised_cores"`
	MemoryFreed  float64 `json:"memory_freed_bytes"`
	MemoryRaised float64 `json:"memory_raised_bytes"`
}

// CPU and Memory are the requests right-sizing wins back, net of what
// it raises; negative when it adds more than it frees.
func (r *RightSizing) CPU() float64    { return r.CPUFreed - r.CPURaised }
func (r *RightSizing) Memory() float64 { return r.MemoryFreed - r.MemoryRaised }

// Resize is one container's requests now and as recommended, per pod, and
// the change to the cluster's requests: (recommended − now) × pods.
type Resize struct {
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Container string `json:"container"`
	Pods      int    `json:"pods"`
	// The per-pod figures: the usage read (the highest of the pods' 95th
	// percentiles of CPU, their highest working set), the request and the
	// recommendation; usage and recommendation are absent where unknown.
	CPUUse            *float64 `json:"cpu_p95_cores,omitempty"`
	MemoryUse         *float64 `json:"memory_max_bytes,omitempty"`
	CPURequest        float64  `json:"cpu_request_cores"`
	CPURecommended    *float64 `json:"cpu_recommended_cores,omitempty"`
	MemoryRequest     float64  `json:"memory_request_bytes"`
	MemoryRecommended *float64 `json:"memory_recommended_bytes,omitempty"`
	CPUChange         float64  `json:"cpu_change_cores"`
	MemoryChange      float64  `json:"memory_change_bytes"`
}

// recommendCPU is the strategy's CPU request for a 95th percentile of p95
// cores: rounded up to the millicore, at least 10m.
func recommendCPU(p95 float64) float64 {
	return max(math.Ceil(p95*1000-1e-9)/1000, rightMinCPU)
}

// recommendMemory is the strategy's memory request for a highest working
// set of peak bytes: plus 15%, rounded up to the megabyte, at least
// 100 MB.
func recommendMemory(peak float64) float64 {
	return max(math.Ceil(peak*(1+rightMemoryBuffer)/1e6-1e-9)*1e6, rightMinMemory)
}

// rightSizing sizes the snapshot's workloads; nil when there are none.
func rightSizing(ws []collectors.Workload) *RightSizing {
	if len(ws) == 0 {
		return nil
	}
	r := &RightSizing{Strategy: "krr simple: CPU request the 95th percentile of use, memory request the highest working set + 15%"}
	for _, w := range ws {
		r.WindowDays = max(r.WindowDays, w.WindowDays)
		if w.Samples < rightMinSamples || (w.CPUP95 == nil && w.MemoryMax == nil) {
			r.TooFewSamples++
			continue
		}
		z := Resize{Namespace: w.Namespace, Kind: w.Kind, Name: w.Name, Container: w.Container, Pods: w.Pods,
			CPUUse: w.CPUP95, MemoryUse: w.MemoryMax, CPURequest: w.CPURequest, MemoryRequest: w.MemoryRequest}
		pods := float64(w.Pods)
		if w.CPUP95 != nil {
			v := recommendCPU(*w.CPUP95)
			z.CPURecommended, z.CPUChange = &v, (v-w.CPURequest)*pods
		}
		if w.MemoryMax != nil {
			v := recommendMemory(*w.MemoryMax)
			z.MemoryRecommended, z.MemoryChange = &v, (v-w.MemoryRequest)*pods
		}
		if z.CPUChange < 0 {
			r.CPUFreed -= z.CPUChange
		} else {
			r.CPURaised += z.CPUChange
		}
		if z.MemoryChange < 0 {
			r.MemoryFreed -= z.MemoryChange
		} else {
			r.MemoryRaised += z.MemoryChange
		}
		r.Resizes = append(r.Resizes, z)
	}
	slices.SortFunc(r.Resizes, func(a, b Resize) int {
		if c := cmp.Compare(math.Abs(b.CPUChange), math.Abs(a.CPUChange)); c != 0 {
			return c
		}
		if c := cmp.Compare(math.Abs(b.MemoryChange), math.Abs(a.MemoryChange)); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace+"/"+a.Name+"/"+a.Container, b.Namespace+"/"+b.Name+"/"+b.Container)
	})
	return r
}
