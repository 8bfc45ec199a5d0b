package ceph

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/capplan/capplan/collectors"
)

// Exec runs command in a container and returns its standard output.
type Exec func(ctx context.Context, namespace, pod, container string, command []string) ([]byte, error)

// ToolboxLabel selects Rook's toolbox pod, where the ceph CLI is
// configured to reach the cluster.
const ToolboxLabel = "app=rook-ceph-tools"

// ReadToolbox runs `ceph df --format json` in a running Rook toolbox pod
// of namespace. found is false, with no error, when there is no such pod.
func ReadToolbox(ctx context.Context, client kubernetes.Interface, exec Exec, namespace string) (c *collectors.Ceph, notes []collectors.Note, found bool, err error) {
	pods, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: ToolboxLabel})
	if err != nil {
		return nil, nil, false, fmt.Errorf("find the Rook toolbox in %s: %w", namespace, err)
	}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning || len(p.Spec.Containers) == 0 {
			continue
		}
		name := fmt.Sprintf("ceph df in %s/%s", p.Namespace, p.Name)
		out, err := exec(ctx, p.Namespace, p.Name, p.Spec.Containers[0].Name, []string{"ceph", "df", "--format", "json"})
		if err != nil {
			return nil, nil, false, fmt.Errorf("%s: %w", name, err)
		}
		c, notes, err := ParseDF(out, name)
		if err != nil {
			return nil, nil, false, err
		}
		return c, notes, true, nil
	}
	return nil, nil, false, nil
}
