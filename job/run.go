package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/sources"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/job/narrate"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/reportrepo"
	"github.com/capplan/capplan/templates"
)

// Result is what a run did.
type Result struct {
	Report report.Report
	Files  []reportrepo.File
	// Dir is where the report's files are: in the repository when
	// published locally, else kept in the work directory (or the dry
	// run's output directory).
	Dir       string
	Commit    string
	Published bool
	Changed   bool
	Duration  time.Duration
}

// ErrNotPublished is a run whose report could not be published; the
// report is kept in Result.Dir.
var ErrNotPublished = errors.New("report not published")

// ErrIncomplete is a run whose report was written (and published, when
// it was to be) although a stage or a source failed: the report says
// which at its top, and what it could not establish is unknown in it.
var ErrIncomplete = errors.New("report incomplete")

// ErrNothingPlanned is a run whose report plans no resource: no series
// had both a history and a capacity. The report is written (and
// published) with the gap at its top, but the run did not do its job.
var ErrNothingPlanned = errors.New(report.NothingPlanned)

// Run is one weekly run: collect, forecast and plan, render, narrate,
// publish. A stage that fails leaves a gap stated in the report, except
// publishing, whose failure is ErrNotPublished. dryRun writes the report
// into out (report.md to stdout when out is "-" is the caller's) and
// publishes nothing.
func Run(ctx context.Context, c config.Config, now time.Time, dryRun bool, out string, log *slog.Logger) (Result, error) {
	return runAs(ctx, c, now, dryRun, out, log, replay{})
}

// replay is what a run of an earlier week of the demo (DemoWeeks) sees
// differently from the week's own run.
type replay struct {
	// world is the day the demo's world ends; zero for the run's own day.
	world time.Time
	// quiet says why the run does not ask Ollama although it is enabled;
	// empty asks.
	quiet string
}

func runAs(ctx context.Context, c config.Config, now time.Time, dryRun bool, out string, log *slog.Logger, w replay) (Result, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Secrets reach no file, log line or error: every text a source, a
	// library or the model wrote goes through red.
	red := c.Redactor()
	log = slog.New(redact.NewHandler(log.Handler(), red))
	res, err := run(ctx, c, now, dryRun, out, log, red, w)
	return res, red.Error(err)
}

func run(ctx context.Context, c config.Config, now time.Time, dryRun bool, out string, log *slog.Logger, red redact.Redactor, w replay) (Result, error) {
	start := time.Now()
	if !dryRun && c.Git.URL == "" && c.Git.Dir == "" {
		return Result{}, config.Error{Err: errors.New("git.url or git.dir is needed to publish the report (or a dry run)")}
	}
	if err := oneCluster(c); err != nil {
		return Result{}, err
	}
	if err := needsCapacities(c); err != nil {
		return Result{}, err
	}
	now = now.UTC()
	var gaps []report.Gap

	// Collect: the report repository's history and last report first, so
	// that history keeps growing where Prometheus forgets.
	var extra []collectors.History
	var earlier []report.Previous
	collectCtx, cancel := context.WithTimeout(ctx, c.Timeouts.Collect)
	repo := reportrepo.New(c.Git, c.Secrets(), log)
	if c.Git.URL != "" || c.Git.Dir != "" {
		h, e, notes, err := repo.Read(collectCtx, now)
		if err != nil {
			gaps = append(gaps, report.Gap{Stage: "collect", Error: "history from the report repository: " + err.Error()})
		}
		if len(h.Series) > 0 {
			extra = append(extra, h)
		}
		earlier = e
		for _, n := range notes {
			log.Info("report repository", "note", n.Message)
		}
	}
	snap, hist, failed := gather(collectCtx, c, now, w.world, red, extra)
	cancel()
	for _, err := range failed {
		gaps = append(gaps, report.Gap{Stage: "collect", Error: err.Error()})
		log.Warn("collect", "gap", err.Error())
	}

	// Each stage gets its own copy of the gaps so far: a stage given up on
	// goes on running while this one appends to them.
	before := slices.Clone(gaps)
	p, err := within(ctx, c.Timeouts.Plan, func() planned {
		return makePlan(snap, hist, c.Planner, now, earlier, before)
	})
	gaps = append(gaps, p.gaps...)
	if err != nil {
		gaps = append(gaps, report.Gap{Stage: "plan", Error: err.Error()})
	}

	sofar := slices.Clone(gaps)
	rd, err := within(ctx, c.Timeouts.Render, func() rendered {
		return render(snap, hist, p, now, c.TemplateDir, sofar)
	})
	rep := rd.report
	gaps = append(gaps, rd.gaps...)
	if err != nil {
		gaps = append(gaps, report.Gap{Stage: "render", Error: err.Error()})
		rep = report.Build(report.Input{Snapshot: snap, History: hist, Generated: now})
	}

	nothing := len(rep.Resources) == 0
	if nothing {
		gaps = append(gaps, report.Gap{Stage: "plan", Error: ErrNothingPlanned.Error() +
			": no resource has both a daily history and a capacity to plan against (the notes say which lacks what); give a history source (Prometheus, the report repository, a CSV)"})
	}
	rep.Gaps = gaps
	narrative := report.Narrative{Source: "deterministic", Reason: "Ollama is disabled in the configuration"}
	if w.quiet != "" {
		narrative.Reason = w.quiet
	}
	if c.Ollama.Enabled && w.quiet == "" {
		o := narrate.Options{Ollama: c.Ollama, Logger: log}
		narrative = narrate.Write(ctx, rep, o)
	} else {
		narrative.Text = narrate.Deterministic(rep)
	}
	// A run told to stop (SIGTERM, the Job's deadline) has had stages cut
	// short, the narrative last: its report is kept, never published as
	// the week's.
	interrupted := ctx.Err() != nil && !dryRun
	if interrupted {
		rep.Gaps = append(rep.Gaps, report.Gap{Stage: "run", Error: fmt.Sprintf(
			"interrupted (%v): this report was kept, not published", context.Cause(ctx))})
	}
	// The history is a file of the report's where it is written or kept
	// as it is: a dry run's output, a report kept in pending/. A local
	// repository's history.json is continued from hist directly.
	var historyJSON []byte
	if dryRun || c.Git.URL != "" || interrupted {
		historyJSON, err = reportrepo.HistoryJSON(hist, now, c.Git.KeepDays)
		if err != nil {
			rep.Gaps = append(rep.Gaps, report.Gap{Stage: "render", Error: "history.json: " + err.Error()})
		}
	}
	rep.Narrative = &narrative
	redactReport(&rep, red)
	files, err := finish(&rep, rd.charts, narrative, rd.templateDir)
	if err != nil {
		return Result{Report: rep, Duration: time.Since(start)}, fmt.Errorf("render: %w", err)
	}
	if historyJSON != nil {
		files = append(files, reportrepo.File{Name: reportrepo.HistoryFile, Data: historyJSON})
	}
	// The last net: what a template or a chart wrote of a secret that
	// slipped past the texts above.
	for i := range files {
		files[i].Data = red.Bytes(files[i].Data)
	}

	res := Result{Report: rep, Files: files}
	if dryRun {
		res.Dir = out
		if out != "-" {
			if err := reportrepo.WriteFiles(out, files); err != nil {
				return res, err
			}
		}
		res.Duration = time.Since(start)
		return res, outcome(rep, nothing)
	}
	if interrupted {
		kept, err := repo.Keep(now, files)
		if err != nil {
			return res, fmt.Errorf("%w: interrupted, and the report could not be kept: %v", ErrNotPublished, err)
		}
		res.Dir, res.Duration = kept, time.Since(start)
		return res, fmt.Errorf("%w: interrupted (%v)", ErrNotPublished, context.Cause(ctx))
	}
	if nothing && rep.Summary.Nodes == 0 {
		// A report that plans nothing and has no snapshot holds nothing
		// that was established: it is no week's report, and is set
		// aside for reading, not committed.
		kept, err := repo.SetAside(now, files)
		if err != nil {
			return res, fmt.Errorf("%w: it plans nothing, and it could not be set aside: %v", ErrNotPublished, err)
		}
		res.Dir, res.Duration = kept, time.Since(start)
		return res, ErrNothingPlanned
	}
	res, err = publish(ctx, c, repo, rep, files, hist, now)
	res.Report, res.Files = rep, files
	if err == nil && nothing {
		err = ErrNothingPlanned
	}
	if err == nil && c.Pushgateway.URL != "" {
		// The report is published whatever the gateway says; a push that
		// fails week after week shows as an old last-success time.
		pctx, cancel := context.WithTimeout(ctx, c.Timeouts.Publish)
		if perr := push(pctx, c.Pushgateway, rep, now); perr != nil {
			log.Warn("metrics not pushed", "error", red.Error(perr).Error())
		} else {
			log.Info("metrics pushed", "pushgateway", redact.URL(c.Pushgateway.URL))
		}
		cancel()
	}
	if err == nil {
		err = outcome(rep, nothing)
	}
	res.Duration = time.Since(start)
	return res, err
}

// outcome is how a run that wrote its report ended: nil when complete.
func outcome(r report.Report, nothing bool) error {
	switch {
	case nothing:
		return ErrNothingPlanned
	case len(r.Gaps) > 0:
		return fmt.Errorf("%w: %d stage(s) or source(s) failed", ErrIncomplete, len(r.Gaps))
	}
	return nil
}

// within runs fn and returns its result, or gives up when timeout passes
// first. CPU-bound stages do not watch a context; the result of one given
// up on is dropped, and the run ends soon after.
func within[T any](ctx context.Context, timeout time.Duration, fn func() T) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan T, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		var zero T
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return zero, fmt.Errorf("did not finish within %s", timeout)
		}
		return zero, ctx.Err()
	}
}

// finish sets the narrative and renders report.json and report.md with
// it, ahead of the charts.
func finish(r *report.Report, charts []reportrepo.File, n report.Narrative, templateDir string) ([]reportrepo.File, error) {
	r.Narrative = &n
	js, err := r.JSON()
	if err != nil {
		return nil, fmt.Errorf("report.json: %w", err)
	}
	md, err := templates.Markdown(*r, templateDir)
	if err != nil {
		return nil, err
	}
	return append([]reportrepo.File{{Name: "report.json", Data: js}, {Name: "report.md", Data: md}}, charts...), nil
}

// publish commits the report to the repository and pushes it, within the
// publish stage's time; a report that could not be is ErrNotPublished.
func publish(ctx context.Context, c config.Config, repo *reportrepo.Repository, r report.Report, files []reportrepo.File, hist collectors.History, now time.Time) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeouts.Publish)
	defer cancel()
	p, err := repo.Publish(ctx, r, files, hist, now)
	res := Result{Dir: p.Dir, Commit: p.Commit, Published: err == nil, Changed: p.Changed}
	if err != nil && !errors.As(err, new(config.Error)) {
		err = fmt.Errorf("%w: %v", ErrNotPublished, err)
	}
	return res, err
}

// gather collects the snapshot and the histories: the configuration's
// sources, with the histories recorded in the report repository and in
// history_git's.
func gather(ctx context.Context, c config.Config, now, world time.Time, red redact.Redactor, recorded []collectors.History) (collectors.Snapshot, collectors.History, []error) {
	return sources.Gather(ctx, sources.Request{Sources: c.Sources, Secrets: c.Secrets(), Now: now, DemoWorld: world,
		Recorded: recorded, ReadRecorded: reportrepo.ReadHistory, Redactor: red})
}
