package job

import (
	"context"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
)

func TestCephFromFirstSourceThatReports(t *testing.T) {
	s := collectors.Snapshot{Sources: map[string]string{}}
	rook := cephSource{&collectors.Ceph{TotalBytes: 10}, []collectors.Note{{Source: "rook", Message: "no pools"}}, "Rook CephCluster status"}
	file := cephSource{&collectors.Ceph{TotalBytes: 11, Pools: []collectors.Pool{{Name: "rbd"}}}, nil, "ceph df file df.json"}
	prom := cephSource{&collectors.Ceph{TotalBytes: 12, Pools: []collectors.Pool{{Name: "other"}}}, nil, "prometheus"}
	for _, cs := range []cephSource{rook, file, prom} {
		addCeph(&s, cs)
	}
	if s.Ceph.TotalBytes != 10 || len(s.Ceph.Pools) != 1 || s.Ceph.Pools[0].Name != "rbd" {
		t.Errorf("Ceph %+v: want Rook's capacity and the file's pools", s.Ceph)
	}
	if s.Sources["ceph"] != "Rook CephCluster status" || s.Sources["ceph pools"] != "ceph df file df.json" || len(s.Notes) != 1 {
		t.Errorf("sources %v, notes %v", s.Sources, s.Notes)
	}
}

// TestClusterName: cluster_name names the cluster whatever the source.
func TestClusterName(t *testing.T) {
	s := Sources{Demo: true, Seed: 1, Prometheus: Prometheus{HistoryDays: 90}}
	snap, _, _ := s.Gather(context.Background(), time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	if snap.Cluster != "homelab (demo)" {
		t.Errorf("cluster %q", snap.Cluster)
	}
	s.ClusterName = "prod-eu"
	if snap, _, _ := s.Gather(context.Background(), time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)); snap.Cluster != "prod-eu" {
		t.Errorf("cluster %q, want cluster_name's", snap.Cluster)
	}
	c, err := Load("", func(k string) string { return map[string]string{"CAPPLAN_CLUSTER_NAME": "from-env"}[k] }, nil)
	if err != nil || c.ClusterName != "from-env" {
		t.Errorf("CAPPLAN_CLUSTER_NAME: %q, %v", c.ClusterName, err)
	}
}
