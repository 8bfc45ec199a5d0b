package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/sources"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/reportrepo"
)

// Snapshot gathers what the configuration's sources say of the cluster
// now and of its past. Where the weekly run states a source that fails as
// a gap of its report, here it is an error: the snapshot and plan commands
// are run by hand, by someone who can mend the source.
func Snapshot(ctx context.Context, c config.Config, now time.Time) (collectors.Snapshot, collectors.History, error) {
	if err := oneCluster(c); err != nil {
		return collectors.Snapshot{}, collectors.History{}, err
	}
	snap, hist, errs := gather(ctx, c, now, time.Time{}, c.Redactor(), nil)
	return snap, hist, errors.Join(errs...)
}

// Plan plans the cluster as of now and writes report.json, report.md
// (with the deterministic narrative) and the charts into out: the weekly
// run's report without its repository, model or metrics. previous, when
// not empty, is an earlier report.json the report says what changed
// since.
func Plan(ctx context.Context, c config.Config, now time.Time, previous, whatIf, out string) (Result, error) {
	start := time.Now()
	if whatIf != "" {
		planned, err := config.LoadWhatIf(whatIf)
		if err != nil {
			return Result{}, err
		}
		c.Planned = append(c.Planned, planned...)
	}
	if err := needsCapacities(c); err != nil {
		return Result{}, err
	}
	snap, hist, err := Snapshot(ctx, c, now)
	if err != nil {
		return Result{}, err
	}
	var prev *report.Previous
	if previous != "" {
		data, err := os.ReadFile(previous)
		if err != nil {
			return Result{}, fmt.Errorf("previous report: %w", err)
		}
		p, err := report.ReadPrevious(data, previous)
		if err != nil {
			return Result{}, err
		}
		prev = &p
	}
	files, r, err := renderPlan(snap, hist, c.Planner, now, c.TemplateDir, prev)
	if err != nil {
		return Result{}, err
	}
	if err := reportrepo.WriteFiles(out, files); err != nil {
		return Result{}, err
	}
	return Result{Report: r, Files: files, Dir: out, Duration: time.Since(start)}, outcome(r, len(r.Resources) == 0)
}

// needsCapacities refuses a history to be planned without a cluster and
// without the capacities to plan it against: nothing could be planned.
// oneCluster refuses a fleet's configuration where one cluster is
// planned: the store's clusters would be summed into one.
func oneCluster(c config.Config) error {
	if c.IsFleet() {
		return config.Error{Err: errors.New("the configuration gives a fleet (clusters, cluster_label): capplan run plans it; snapshot and plan take one cluster, with prometheus.matchers")}
	}
	return nil
}

func needsCapacities(c config.Config) error {
	// A fleet's cluster read from its store alone has the allocatable
	// kube-state-metrics exports, or says it lacks it.
	fleet := c.NoCluster && c.Prometheus.URL != ""
	if c.Demo || sources.ReadsCluster(c.Sources) || len(c.Capacities) > 0 || fleet {
		return nil
	}
	return config.Error{Err: errors.New(`a history planned without a cluster needs a capacity for each series: give them in the configuration file (--config), as capacities: {"cpu/usage": 48, "ceph/stored": 2.0e12}, in the series' units (cores, bytes, bytes/s)`)}
}
