package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors/sources"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/reportrepo"
	"github.com/capplan/capplan/templates"
)

// FleetResult is what a fleet's run did: each cluster's run and the
// summary.
type FleetResult struct {
	Fleet report.Fleet
	// Clusters are each cluster's run, without its files.
	Clusters []Result
	// Files are the summary's: fleet.json and README.md.
	Files []reportrepo.File
	// Commit is the summary's commit; "" for a dry run or when it could
	// not be published.
	Commit   string
	Duration time.Duration
}

// RunFleet plans every cluster of the fleet, each as Run plans one
// cluster (its history from the store through its matchers, its report
// into reports/<cluster>/), one after another so that each has the
// stages' whole time budgets and the report repository to itself; then it
// writes the fleet's summary, README.md and fleet.json, at the
// repository's root (into out for a dry run). A cluster that fails is a
// line of the summary and never stops the others; the run then ends in
// ErrIncomplete.
func RunFleet(ctx context.Context, c config.Config, now time.Time, dryRun bool, out string, log *slog.Logger) (FleetResult, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	now = now.UTC()
	// As in a cluster's run: no secret reaches a log line.
	red := c.Redactor()
	log = slog.New(redact.NewHandler(log.Handler(), red))
	fleet := report.Fleet{Schema: report.FleetSchema, Generated: now, Date: now.Format(time.DateOnly), Label: c.Fleet.Label()}
	clusters := c.Clusters
	if len(clusters) == 0 {
		dctx, cancel := context.WithTimeout(ctx, c.Timeouts.Collect)
		names, err := sources.Clusters(dctx, c.Prometheus, c.Secrets(), c.Fleet.Label(), now)
		cancel()
		if err != nil {
			return FleetResult{}, red.Error(fmt.Errorf("the fleet's clusters: %w", err))
		}
		if len(names) == 0 {
			return FleetResult{}, fmt.Errorf("the fleet's clusters: no series of the last week has a %s label: give clusters, or the label the store's clusters carry (cluster_label)", c.Fleet.Label())
		}
		for _, n := range names {
			if why := config.ClusterNameProblem(n); why != "" {
				fleet.Clusters = append(fleet.Clusters, report.FleetEntry(n, "", nil,
					fmt.Errorf("%s %q cannot name a directory of the report repository (%s): list the cluster in clusters with a name and matchers", c.Fleet.Label(), n, why)))
				continue
			}
			clusters = append(clusters, config.Cluster{Name: n})
		}
		log.Info("fleet", "label", c.Fleet.Label(), "clusters", names)
	}
	var res FleetResult
	for _, cl := range clusters {
		cc := c.ForCluster(cl)
		dir := out
		if dryRun && out != "-" {
			dir = filepath.Join(out, filepath.FromSlash(reportrepo.ReportDir(cl.Name, now)))
		}
		clog := log.With("cluster", cl.Name)
		r, err := runAs(ctx, cc, now, dryRun, dir, clog, replay{})
		r.Log(clog, err)
		// Its files are written (or kept): the fleet keeps its report.
		r.Files = nil
		res.Clusters = append(res.Clusters, r)
		var rep *report.Report
		if r.Report.Date != "" {
			rep = &r.Report
		}
		where := ""
		if r.Published || (dryRun && out != "-") {
			where = reportrepo.ReportDir(cl.Name, now)
		}
		entry := report.FleetEntry(cl.Name, where, rep, err)
		if err != nil && !errors.Is(err, ErrIncomplete) && !errors.Is(err, ErrNothingPlanned) && entry.Error == "" {
			// Planned, but the report could not be published: it waits
			// in the work directory.
			entry.Error = err.Error()
		}
		fleet.Clusters = append(fleet.Clusters, entry)
	}
	fleet.Sort()
	res.Fleet = fleet
	js, err := fleet.JSON()
	if err != nil {
		return res, fmt.Errorf("fleet.json: %w", err)
	}
	files := []reportrepo.File{{Name: "fleet.json", Data: red.Bytes(js)}, {Name: "README.md", Data: red.Bytes(templates.FleetMarkdown(fleet))}}
	res.Files = files
	switch {
	case dryRun && out == "-":
	case dryRun:
		if err := reportrepo.WriteFiles(out, files); err != nil {
			return res, err
		}
	case ctx.Err() != nil:
		res.Duration = time.Since(start)
		return res, fmt.Errorf("%w: interrupted (%v) before the fleet's summary", ErrNotPublished, context.Cause(ctx))
	default:
		pctx, cancel := context.WithTimeout(ctx, c.Timeouts.Publish)
		p, err := reportrepo.New(c.Git, c.Secrets(), log).PublishFleet(pctx, files, red.String(fleetMessage(fleet)), now)
		cancel()
		if err != nil {
			res.Duration = time.Since(start)
			return res, fmt.Errorf("%w: the fleet's summary: %v", ErrNotPublished, red.Error(err))
		}
		res.Commit = p.Commit
	}
	res.Duration = time.Since(start)
	switch n := fleet.Failed(); {
	case fleet.Planned() == 0:
		return res, fmt.Errorf("%w: none of %d clusters", ErrNothingPlanned, len(fleet.Clusters))
	case n > 0:
		return res, fmt.Errorf("%w: %d of %d clusters not planned or incomplete", ErrIncomplete, n, len(fleet.Clusters))
	}
	return res, nil
}

// fleetMessage is the summary's commit message: the day, then each
// cluster's soonest runway or why it has none.
func fleetMessage(f report.Fleet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Capacity of the fleet %s: %d clusters\n\n", f.Date, len(f.Clusters))
	for _, c := range f.Clusters {
		switch {
		case !c.Planned():
			fmt.Fprintf(&b, "- %s: not planned: %s\n", c.Name, c.Error)
		case c.Runway != nil:
			fmt.Fprintf(&b, "- %s: %s, %.0f days of runway (%s)\n", c.Name, c.Status, *c.Runway, c.Binding)
		default:
			fmt.Fprintf(&b, "- %s: %s, beyond the forecasts\n", c.Name, c.Status)
		}
	}
	return b.String()
}

// File is the content of the summary's file name; nil when none.
func (r FleetResult) File(name string) []byte {
	return Result{Files: r.Files}.File(name)
}

// Log writes the line a fleet's run ends with, after each cluster's.
func (r FleetResult) Log(log *slog.Logger, err error) {
	soonest := map[string]any{}
	for _, c := range r.Fleet.Clusters {
		switch {
		case !c.Planned():
			soonest[c.Name] = "not planned"
		case c.Runway != nil:
			soonest[c.Name] = *c.Runway
		default:
			soonest[c.Name] = "beyond"
		}
	}
	attrs := []any{"date", r.Fleet.Date, "clusters", len(r.Fleet.Clusters), "runway_days", soonest, "commit", r.Commit, "seconds", r.Duration.Seconds()}
	if err != nil {
		log.Error("capplan fleet run: "+err.Error(), attrs...)
		return
	}
	log.Info("capplan fleet run", attrs...)
}
