package kube

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/streaming/pkg/httpstream"
)

// Exec returns a function that runs a command in a container through the
// API server's exec subresource, over WebSocket where the server speaks it
// and SPDY otherwise, as kubectl exec does. It returns the command's
// standard output; a failure carries its standard error.
func Exec(cfg *rest.Config, client kubernetes.Interface) func(ctx context.Context, namespace, pod, container string, command []string) ([]byte, error) {
	return func(ctx context.Context, namespace, pod, container string, command []string) ([]byte, error) {
		req := client.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("exec").
			VersionedParams(&corev1.PodExecOptions{Container: container, Command: command, Stdout: true, Stderr: true}, scheme.ParameterCodec)
		ws, err := remotecommand.NewWebSocketExecutor(cfg, "GET", req.URL().String())
		if err != nil {
			return nil, fmt.Errorf("exec in %s/%s: %w", namespace, pod, err)
		}
		spdy, err := remotecommand.NewSPDYExecutor(cfg, "POST", req.URL())
		if err != nil {
			return nil, fmt.Errorf("exec in %s/%s: %w", namespace, pod, err)
		}
		exec, err := remotecommand.NewFallbackExecutor(ws, spdy, httpstream.IsUpgradeFailure)
		if err != nil {
			return nil, fmt.Errorf("exec in %s/%s: %w", namespace, pod, err)
		}
		var stdout, stderr bytes.Buffer
		if err := exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &stdout, Stderr: &stderr}); err != nil {
			if msg := strings.TrimSpace(stderr.String()); msg != "" {
				return nil, fmt.Errorf("%w: %s", err, msg)
			}
			return nil, err
		}
		return stdout.Bytes(), nil
	}
}
