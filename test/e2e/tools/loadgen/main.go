// Command loadgen fills an API server with a cluster's worth of objects
// for the scale benchmark: nodes with capacity, pods bound to them with
// requests and limits, and claims. Indexes continue from -from-*, so a
// cluster can be grown in steps.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of an admin")
	nodes := flag.Int("nodes", 1000, "nodes in all")
	fromNode := flag.Int("from-node", 0, "nodes already there")
	pods := flag.Int("pods", 20000, "pods in all")
	fromPod := flag.Int("from-pod", 0, "pods already there")
	claims := flag.Int("claims", 0, "claims in all")
	fromClaim := flag.Int("from-claim", 0, "claims already there")
	namespaces := flag.Int("namespaces", 50, "namespaces the pods and claims are spread over")
	workers := flag.Int("workers", 32, "concurrent requests")
	flag.Parse()

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 1e6, 1e6
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ns := func(i int) string { return fmt.Sprintf("team-%02d", i%*namespaces) }
	if *fromPod == 0 && *fromClaim == 0 {
		run("namespaces", 0, *namespaces, *workers, func(i int) error {
			_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns(i)}}, metav1.CreateOptions{})
			return err
		})
	}
	q := resource.MustParse
	run("nodes", *fromNode, *nodes, *workers, func(i int) error {
		n, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%05d", i),
			Labels: map[string]string{"node.kubernetes.io/instance-type": "m6i.4xlarge"}}}, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		n.Status = corev1.NodeStatus{
			Capacity:    corev1.ResourceList{corev1.ResourceCPU: q("16"), corev1.ResourceMemory: q("64Gi"), corev1.ResourcePods: q("110")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: q("15500m"), corev1.ResourceMemory: q("61Gi"), corev1.ResourcePods: q("110")},
			Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}},
		}
		_, err = cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
		return err
	})
	res := func(cpu, mem string) corev1.ResourceList {
		return corev1.ResourceList{corev1.ResourceCPU: q(cpu), corev1.ResourceMemory: q(mem)}
	}
	run("pods", *fromPod, *pods, *workers, func(i int) error {
		_, err := cs.CoreV1().Pods(ns(i)).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("app-%06d", i), Labels: map[string]string{"app": fmt.Sprintf("app-%d", i%500)}},
			Spec: corev1.PodSpec{NodeName: fmt.Sprintf("node-%05d", i%*nodes), Containers: []corev1.Container{
				{Name: "app", Image: "registry.example.org/app:1", Resources: corev1.ResourceRequirements{Requests: res("250m", "512Mi"), Limits: res("1", "1Gi")}},
				{Name: "proxy", Image: "registry.example.org/proxy:1", Resources: corev1.ResourceRequirements{Requests: res("50m", "64Mi"), Limits: res("200m", "128Mi")}},
			}},
		}, metav1.CreateOptions{})
		return err
	})
	class := "ceph-block"
	run("claims", *fromClaim, *claims, *workers, func(i int) error {
		_, err := cs.CoreV1().PersistentVolumeClaims(ns(i)).Create(ctx, &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("data-%06d", i)},
			Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: &class, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: q("10Gi")}}},
		}, metav1.CreateOptions{})
		return err
	})
}

// run calls create for each index from first to n-1 on workers
// goroutines, and stops the program at the first error.
func run(what string, first, n, workers int, create func(int) error) {
	if n <= first {
		return
	}
	start := time.Now()
	var next atomic.Int64
	next.Store(int64(first))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := create(i); err != nil {
					log.Printf("%s %d: %v", what, i, err)
					os.Exit(1)
				}
			}
		})
	}
	wg.Wait()
	log.Printf("%d %s in %.1f s", n-first, what, time.Since(start).Seconds())
}
