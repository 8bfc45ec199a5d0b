package kube

import (
	"fmt"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"
)

// Config finds the cluster the way kubectl does: an explicit kubeconfig
// file or context first; otherwise the pod's service account when running
// in a cluster (the CronJob); otherwise $KUBECONFIG or ~/.kube/config.
// name is the kubeconfig context used, empty in a cluster.
func Config(kubeconfig, context string) (cfg *rest.Config, name string, err error) {
	if kubeconfig == "" && context == "" {
		if cfg, err := rest.InClusterConfig(); err == nil {
			return cfg, "", nil
		}
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: context}
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	if cfg, err = loader.ClientConfig(); err != nil {
		return nil, "", fmt.Errorf("kubeconfig: %w", err)
	}
	name = context
	if name == "" {
		raw, err := loader.RawConfig()
		if err != nil {
			return nil, "", fmt.Errorf("kubeconfig: %w", err)
		}
		name = raw.CurrentContext
	}
	return cfg, name, nil
}

// New returns a collector for the cluster cfg points at, asking the
// metrics API for usage.
func New(cfg *rest.Config) (*Collector, error) {
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	metrics, err := metricsclient.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("metrics client: %w", err)
	}
	return &Collector{Client: client, Metrics: metrics}, nil
}
