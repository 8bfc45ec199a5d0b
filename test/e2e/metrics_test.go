package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/job"
	"github.com/capplan/capplan/test/servertest"
)

// startMetrics runs kwok's simulated kubelets for the nodes labelled
// kwok=true and a real metrics-server scraping them, and registers it
// with the API server's aggregation layer as metrics.k8s.io, as a
// cluster's metrics-server is.
func startMetrics(t *testing.T, c *cluster) {
	t.Helper()
	bin := kubeBin(t)
	admin := c.kubeconfig(t, "admin", adminToken)
	certs := filepath.Join(c.dir, "certs")
	kubelet, ms := servertest.FreePort(t), servertest.FreePort(t)
	start(t, filepath.Join(c.dir, "kwok.log"), nil, filepath.Join(bin, "kwok"), "--kubeconfig="+admin,
		"--config=testdata/kwok.yaml", "--manage-nodes-with-label-selector=kwok=true",
		"--node-ip=127.0.0.1", fmt.Sprintf("--node-port=%d", kubelet), fmt.Sprintf("--server-address=127.0.0.1:%d", kubelet),
		"--tls-cert-file="+filepath.Join(certs, "apiserver.crt"), "--tls-private-key-file="+filepath.Join(certs, "apiserver.key"))
	start(t, filepath.Join(c.dir, "metrics-server.log"), nil, filepath.Join(bin, "metrics-server"),
		"--kubeconfig="+admin, "--authentication-kubeconfig="+admin, "--authorization-kubeconfig="+admin,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", ms), "--cert-dir="+filepath.Join(c.dir, "metrics-server"),
		"--kubelet-insecure-tls", "--kubelet-use-node-status-port", "--kubelet-preferred-address-types=InternalIP",
		"--metric-resolution=15s")
	dyn, err := dynamic.NewForConfig(c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	// An ExternalName service: no kube-proxy or endpoints controller runs
	// to route a ClusterIP to the process on the loopback.
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "metrics-server", Namespace: "kube-system"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "localhost",
			Ports: []corev1.ServicePort{{Name: "https", Port: int32(ms), Protocol: corev1.ProtocolTCP}}}}
	if _, err := c.clientset(t).CoreV1().Services("kube-system").Create(t.Context(), svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	apiService := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": "v1beta1.metrics.k8s.io"},
		"spec": map[string]any{"service": map[string]any{"name": "metrics-server", "namespace": "kube-system", "port": int64(ms)},
			"group": "metrics.k8s.io", "version": "v1beta1", "insecureSkipTLSVerify": true,
			"groupPriorityMinimum": int64(100), "versionPriority": int64(100)},
	}}
	apiServices := schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	if _, err := dyn.Resource(apiServices).Create(t.Context(), apiService, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestMetricsServer takes the snapshot of a cluster without a metrics API
// (the report says so), then with kwok's kubelets and a real
// metrics-server behind the aggregation layer: the usage of every node
// and namespace is what the pods use.
func TestMetricsServer(t *testing.T) {
	c := startCluster(t)
	cs := c.clientset(t)
	ctx := t.Context()
	// Two simulated nodes; three pods using what their annotations say.
	use := map[string][2]string{"web-1": {"1500m", "700Mi"}, "web-2": {"500m", "300Mi"}, "db-0": {"2", "6Gi"}}
	node := map[string]string{"web-1": "kwok-1", "web-2": "kwok-2", "db-0": "kwok-2"}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kwok-1", "kwok-2"} {
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kwok": "true"},
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake", "metrics.k8s.io/resource-metrics-path": "/metrics/nodes/" + name + "/metrics/resource"}},
			Status: corev1.NodeStatus{
				Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("32Gi"), corev1.ResourcePods: resource.MustParse("110")},
				Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("32Gi"), corev1.ResourcePods: resource.MustParse("110")}}}
		if _, err := cs.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(use)) {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop",
			Annotations: map[string]string{"kwok.x-k8s.io/usage-cpu": use[name][0], "kwok.x-k8s.io/usage-memory": use[name][1]}},
			Spec: corev1.PodSpec{NodeName: node[name], Containers: []corev1.Container{container("app", "1", "1Gi", "", "")}}}
		if _, err := cs.CoreV1().Pods("shop").Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Default()
	cfg.Kubeconfig, cfg.RookToolbox = c.kubeconfig(t, "kwok", adminToken), false

	snap, _, _ := job.Snapshot(ctx, cfg, time.Now())
	if !slices.ContainsFunc(snap.Notes, func(n collectors.Note) bool { return strings.Contains(n.Message, "is metrics-server installed?") }) {
		t.Errorf("without a metrics API, no note says so: %+v", snap.Notes)
	}
	for _, n := range snap.Nodes {
		if n.Usage != nil {
			t.Errorf("%s: usage %+v without a metrics API", n.Name, n.Usage)
		}
	}

	startMetrics(t, c)
	// metrics-server reports a pod's CPU after two scrapes of its counter.
	mc, err := metricsclient.NewForConfig(c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(2 * time.Second) {
		pods, err := mc.MetricsV1beta1().PodMetricses("shop").List(ctx, metav1.ListOptions{})
		nodes, nerr := mc.MetricsV1beta1().NodeMetricses().List(ctx, metav1.ListOptions{})
		if err == nil && nerr == nil && len(pods.Items) == len(use) && len(nodes.Items) == 2 {
			break
		}
		if time.Now().After(deadline) {
			logs := ""
			for _, f := range []string{"kwok.log", "metrics-server.log"} {
				b, _ := os.ReadFile(filepath.Join(c.dir, f))
				logs += fmt.Sprintf("\n--- %s (last 2000 bytes)\n%s", f, b[max(0, len(b)-2000):])
			}
			t.Fatalf("metrics.k8s.io not serving every pod and node after 120 s (pods: %v, nodes: %v)%s", err, nerr, logs)
		}
	}

	snap, _, _ = job.Snapshot(ctx, cfg, time.Now())
	want := map[string][2]float64{}
	for pod, u := range use {
		w := want[node[pod]]
		cpu, mem := resource.MustParse(u[0]), resource.MustParse(u[1])
		w[0] += cpu.AsApproximateFloat64()
		w[1] += mem.AsApproximateFloat64()
		want[node[pod]] = w
	}
	for _, n := range snap.Nodes {
		w := want[n.Name]
		switch {
		case n.Usage == nil:
			t.Errorf("%s: no usage with metrics-server serving", n.Name)
		// CPU is a rate of kwok's counter between two scrapes: within 5%.
		case math.Abs(n.Usage.CPUCores-w[0]) > 0.05*w[0] || float64(n.Usage.MemoryBytes) != w[1]:
			t.Errorf("%s: usage %.3f cores and %d bytes, want %.3f and %.0f", n.Name, n.Usage.CPUCores, n.Usage.MemoryBytes, w[0], w[1])
		}
	}
	if src := snap.Sources["usage"]; !strings.Contains(src, "metrics.k8s.io") {
		got, _ := json.Marshal(snap.Sources)
		t.Errorf("usage's source: %s", got)
	}
}
