// Command fakemetrics serves metrics.k8s.io/v1beta1 for the scale
// benchmark, where metrics-server scraping thousands of simulated kubelets
// would take longer than the measurement: every node uses 60% of its
// allocatable, every container 80% of its requests. The pods and nodes
// are listed from the API server once, at start. The end-to-end tests use
// the real metrics-server.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"flag"
	"log"
	"math/big"
	"net/http"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/pager"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of an admin")
	addr := flag.String("addr", "127.0.0.1:8443", "address to serve HTTPS on")
	flag.Parse()
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 1000, 1000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	now := metav1.Now()
	window := metav1.Duration{Duration: 15 * time.Second}
	scale := func(l corev1.ResourceList, f float64) corev1.ResourceList {
		out := corev1.ResourceList{}
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if q, ok := l[name]; ok {
				out[name] = *resource.NewMilliQuantity(int64(float64(q.MilliValue())*f), q.Format)
			}
		}
		return out
	}
	nodes := metricsv1beta1.NodeMetricsList{TypeMeta: metav1.TypeMeta{Kind: "NodeMetricsList", APIVersion: "metrics.k8s.io/v1beta1"}}
	if err := pager.New(func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
		return cs.CoreV1().Nodes().List(ctx, o)
	}).
		EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
			n := obj.(*corev1.Node)
			nodes.Items = append(nodes.Items, metricsv1beta1.NodeMetrics{ObjectMeta: metav1.ObjectMeta{Name: n.Name},
				Timestamp: now, Window: window, Usage: scale(n.Status.Allocatable, 0.6)})
			return nil
		}); err != nil {
		log.Fatal(err)
	}
	byNS := map[string][]metricsv1beta1.PodMetrics{}
	all := metricsv1beta1.PodMetricsList{TypeMeta: metav1.TypeMeta{Kind: "PodMetricsList", APIVersion: "metrics.k8s.io/v1beta1"}}
	if err := pager.New(func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
		return cs.CoreV1().Pods("").List(ctx, o)
	}).
		EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
			p := obj.(*corev1.Pod)
			pm := metricsv1beta1.PodMetrics{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}, Timestamp: now, Window: window}
			for _, c := range p.Spec.Containers {
				pm.Containers = append(pm.Containers, metricsv1beta1.ContainerMetrics{Name: c.Name, Usage: scale(c.Resources.Requests, 0.8)})
			}
			byNS[p.Namespace] = append(byNS[p.Namespace], pm)
			all.Items = append(all.Items, pm)
			return nil
		}); err != nil {
		log.Fatal(err)
	}
	log.Printf("serving metrics of %d nodes and %d pods on %s", len(nodes.Items), len(all.Items), *addr)

	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(v); err != nil {
			log.Print(err)
		}
	}
	const base = "/apis/metrics.k8s.io/v1beta1"
	mux := http.NewServeMux()
	mux.HandleFunc(base, func(w http.ResponseWriter, _ *http.Request) {
		reply(w, metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: "metrics.k8s.io/v1beta1",
			APIResources: []metav1.APIResource{{Name: "nodes", Kind: "NodeMetrics", Verbs: []string{"get", "list"}},
				{Name: "pods", Namespaced: true, Kind: "PodMetrics", Verbs: []string{"get", "list"}}}})
	})
	mux.HandleFunc(base+"/nodes", func(w http.ResponseWriter, _ *http.Request) { reply(w, nodes) })
	mux.HandleFunc(base+"/pods", func(w http.ResponseWriter, _ *http.Request) { reply(w, all) })
	mux.HandleFunc(base+"/namespaces/", func(w http.ResponseWriter, r *http.Request) {
		ns, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, base+"/namespaces/"), "/")
		if rest != "pods" {
			http.NotFound(w, r)
			return
		}
		reply(w, metricsv1beta1.PodMetricsList{TypeMeta: all.TypeMeta, Items: byNS[ns]})
	})
	srv := &http.Server{Addr: *addr, Handler: mux, TLSConfig: &tls.Config{Certificates: []tls.Certificate{selfSigned()}}, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServeTLS("", ""))
}

// selfSigned is a serving certificate the aggregator does not check
// (the APIService says insecureSkipTLSVerify).
func selfSigned() tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fakemetrics"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		log.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
