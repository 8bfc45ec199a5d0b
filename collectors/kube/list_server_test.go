package kube

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// listServer speaks the Kubernetes list API for nodes, pods, claims and
// events of a synthetic cluster, page by page as the client asks (limit
// and continue), rendering each page on demand so that the server holds
// no more than one page.
type listServer struct {
	nodes, pods, claims int
	pages               atomic.Int64
	mu                  sync.Mutex
	limits              map[string]bool // every limit a client asked for
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	start, _ := strconv.Atoi(q.Get("continue"))
	s.mu.Lock()
	s.limits[q.Get("limit")] = true
	s.mu.Unlock()
	var kind string
	var total int
	var item func(b *strings.Builder, i int)
	switch r.URL.Path {
	case "/api/v1/nodes":
		kind, total, item = "NodeList", s.nodes, nodeJSON
	case "/api/v1/pods":
		kind, total, item = "PodList", s.pods, func(b *strings.Builder, i int) { podJSON(b, i, s.nodes) }
	case "/api/v1/persistentvolumeclaims":
		kind, total, item = "PersistentVolumeClaimList", s.claims, claimJSON
	case "/api/v1/events":
		kind, total, item = "EventList", 0, nil
	default:
		http.NotFound(w, r)
		return
	}
	if limit <= 0 || limit > total {
		limit = total
	}
	end := min(start+limit, total)
	next := ""
	if end < total {
		next = strconv.Itoa(end)
	}
	s.pages.Add(1)
	var b strings.Builder
	fmt.Fprintf(&b, `{"kind":%q,"apiVersion":"v1","metadata":{"resourceVersion":"1","continue":%q},"items":[`, kind, next)
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte(',')
		}
		item(&b, i)
	}
	b.WriteString("]}")
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(b.String()))
}

func nodeJSON(b *strings.Builder, i int) {
	fmt.Fprintf(b, `{"metadata":{"name":"node-%d","labels":{"node-role.kubernetes.io/worker":"","node.kubernetes.io/instance-type":"m6i.4xlarge"}},`+
		`"status":{"capacity":{"cpu":"16","memory":"64Gi","pods":"110"},"allocatable":{"cpu":"15890m","memory":"62Gi","pods":"110"},`+
		`"conditions":[{"type":"Ready","status":"True"}]}}`, i)
}

// podJSON renders pod i: 30 per node, two containers of 250m and 512Mi
// requests each, in one of 200 namespaces.
func podJSON(b *strings.Builder, i, nodes int) {
	fmt.Fprintf(b, `{"metadata":{"name":"pod-%d","namespace":"ns-%d","uid":"uid-%d"},"spec":{"nodeName":"node-%d","containers":[`+
		`{"name":"app","resources":{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"cpu":"1","memory":"1Gi"}}},`+
		`{"name":"sidecar","resources":{"requests":{"cpu":"250m","memory":"512Mi"}}}]},"status":{"phase":"Running"}}`, i, i%200, i, i%nodes)
}

func claimJSON(b *strings.Builder, i int) {
	fmt.Fprintf(b, `{"metadata":{"name":"claim-%d","namespace":"ns-%d"},"spec":{"storageClassName":"ceph-block","resources":{"requests":{"storage":"10Gi"}}}}`, i, i%200)
}

func newListServer(t testing.TB, nodes, pods, claims int) (*listServer, *kubernetes.Clientset) {
	t.Helper()
	s := &listServer{nodes: nodes, pods: pods, claims: claims, limits: map[string]bool{}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	client, err := kubernetes.NewForConfig(&rest.Config{Host: srv.URL, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s, client
}

func TestCollectPagesThroughLists(t *testing.T) {
	s, client := newListServer(t, 7, 1234, 501)
	snap := collect(t, &Collector{Client: client})
	var pods int64
	var cpu float64
	for _, n := range snap.Nodes {
		pods += n.Requests.Pods
		cpu += n.Requests.CPUCores
	}
	if len(snap.Nodes) != 7 || pods != 1234 || !near(cpu, 1234*0.5) {
		t.Errorf("%d nodes, %d pods, %.1f cores requested; want 7, 1234, %.1f", len(snap.Nodes), pods, cpu, 1234*0.5)
	}
	var claims int
	for _, v := range snap.Volumes {
		claims += v.Claims
	}
	if claims != 501 {
		t.Errorf("%d claims, want 501", claims)
	}
	// nodes 1 page, pods 3, claims 2, events 1
	if got := s.pages.Load(); got != 7 || len(s.limits) != 1 || !s.limits["500"] {
		t.Errorf("%d pages with limits %v, want 7 pages of 500", got, s.limits)
	}
}

// BenchmarkCollectLargeCluster snapshots 5,000 nodes, 150,000 pods and
// 20,000 claims served page by page (500 a page) over HTTP, and reports
// the peak heap in use while it runs (server included).
func BenchmarkCollectLargeCluster(b *testing.B) {
	_, client := newListServer(b, 5000, 150000, 20000)
	var peak atomic.Uint64
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(sample)
				if v := sample[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	c := &Collector{Client: client}
	for b.Loop() {
		snap, err := c.Collect(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Nodes) != 5000 {
			b.Fatalf("%d nodes", len(snap.Nodes))
		}
	}
	close(done)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}
