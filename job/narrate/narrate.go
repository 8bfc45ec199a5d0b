// Package narrate writes the narrative at the top of a report: drafted by a
// language model through Ollama, checked number by number against the
// report, and written from the plan by rules when no draft passes, the
// model is missing or Ollama does not answer in time.
package narrate

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/template"

	"github.com/ollama/ollama/api"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/templates"
	"github.com/capplan/capplan/units"
)

//go:embed prompt.tmpl
var builtin embed.FS

// PromptFile is the prompt template's name, embedded or in a directory
// that overrides it.
const PromptFile = "prompt.tmpl"

// Options are the model and its budget (the configuration's ollama
// section, whose Timeout is the time for every draft together), and
// where to log.
type Options struct {
	config.Ollama
	Logger *slog.Logger
}

// leads open the three paragraphs every narrative has.
var leads = []string{"**Outlook:**", "**Risks:**", "**Actions:**"}

// Write returns the report's narrative: the model's, when a draft (of two
// at most) passes the check, else the deterministic one with the reason
// and the rejected claims.
func Write(ctx context.Context, r report.Report, o Options) report.Narrative {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	fallback := func(reason string, rejected []report.Claim) report.Narrative {
		o.Logger.Info("deterministic narrative", "reason", reason, "rejected_claims", len(rejected))
		return report.Narrative{Source: "deterministic", Text: Deterministic(r), Reason: reason, Rejected: rejected}
	}
	prompt, err := Prompt(r, o.PromptDir)
	if err != nil {
		return fallback(err.Error(), nil)
	}
	client, err := newClient(o.Host)
	if err != nil {
		return fallback(err.Error(), nil)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	numCtx, err := contextSize(ctx, client, o, prompt)
	if err != nil {
		return fallback(explain(ctx, o, err), nil)
	}
	figures := NewFigures(r, prompt)
	var rejected []report.Claim
	request := prompt
	for draft := 1; draft <= 2; draft++ {
		text, err := generate(ctx, client, o, request, numCtx)
		if err != nil {
			return fallback(explain(ctx, o, err), rejected)
		}
		bad := figures.Check(text, draft)
		for _, lead := range leads {
			if !strings.Contains(text, lead) {
				bad = append(bad, report.Claim{Draft: draft, Text: lead, Problem: "paragraph missing"})
			}
		}
		if len(bad) == 0 {
			o.Logger.Info("narrative drafted", "model", o.Model, "draft", draft)
			return report.Narrative{Source: "ollama", Model: o.Model, Text: strings.TrimSpace(text), Rejected: rejected}
		}
		rejected = append(rejected, bad...)
		o.Logger.Info("narrative draft rejected", "draft", draft, "claims", len(bad))
		request = prompt + "\nYour previous draft was rejected for these reasons; write it again using only the figures above:\n" + describe(bad)
	}
	return fallback("the model's two drafts stated figures the report does not hold", rejected)
}

// explain words why no draft could be had.
func explain(ctx context.Context, o Options, err error) string {
	var status api.StatusError
	var netErr *net.OpError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("Ollama did not finish within the %s budget", o.Timeout)
	case errors.As(err, &status) && status.StatusCode == http.StatusNotFound:
		return fmt.Sprintf("model %s is not on the Ollama server at %s", o.Model, redact.URL(o.Host))
	case errors.As(err, &netErr):
		return fmt.Sprintf("no Ollama answered at %s (%v)", redact.URL(o.Host), netErr.Err)
	}
	return "Ollama at " + redact.URL(o.Host) + ": " + redact.New([]string{o.Host}).String(err.Error())
}

// Prompt renders the prompt from the embedded template, or from
// prompt.tmpl in dir when dir is not empty.
func Prompt(r report.Report, dir string) (string, error) {
	src, err := builtin.ReadFile(PromptFile)
	name := PromptFile
	if dir != "" {
		name = dir + string(os.PathSeparator) + PromptFile
		src, err = os.ReadFile(name)
	}
	if err != nil {
		return "", fmt.Errorf("narrative prompt: %w", err)
	}
	funcs := templates.Funcs()
	funcs["at"] = func(res report.Resource, day int) string { return interval(res, res.Daily, day) }
	funcs["month"] = func(res report.Resource, m int) string { return interval(res, res.Monthly, m) }
	t, err := template.New(PromptFile).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return "", fmt.Errorf("narrative prompt %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return "", fmt.Errorf("narrative prompt %s: %w", name, err)
	}
	return buf.String(), nil
}

// interval is the forecast's step n (1-based) with its 95% interval.
func interval(res report.Resource, pts []report.Point, n int) string {
	p, ok := step(pts, n)
	if !ok {
		return "—"
	}
	q := func(v float64) string { return units.Quantity(v, res.Unit) }
	return fmt.Sprintf("%s [%s, %s]", q(p.Mean), q(p.Lo95), q(p.Hi95))
}

func newClient(host string) (*api.Client, error) {
	if host == "" {
		return nil, errors.New("no Ollama host configured")
	}
	raw := host
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("ollama host %q: not host:port or a URL", redact.URL(host))
	}
	// api.NewClient with a nil *http.Client panics on the first request.
	return api.NewClient(u, &http.Client{}), nil
}

// contextSize asks the model's context length (which also says whether the
// model is there) and sizes num_ctx for the prompt and the draft: about
// three characters a token for tables of numbers, rounded up to 1024.
func contextSize(ctx context.Context, c *api.Client, o Options, prompt string) (int, error) {
	show, err := c.Show(ctx, &api.ShowRequest{Model: o.Model})
	if err != nil {
		return 0, err
	}
	need := len(prompt)/3 + 2*o.NumPredict
	need = (need + 1023) / 1024 * 1024
	limit := 0
	for k, v := range show.ModelInfo {
		if strings.HasSuffix(k, ".context_length") {
			if f, ok := v.(float64); ok {
				limit = int(f)
			}
		}
	}
	if limit > 0 && need > limit {
		o.Logger.Warn("prompt may not fit the model's context", "model", o.Model, "context_length", limit, "wanted", need)
		need = limit
	}
	return need, nil
}

// errIncomplete is a stream that ended before the model finished.
var errIncomplete = errors.New("the draft ended before the model finished")

// generate streams one draft. Only a stream that ends with done and a stop
// reason is a draft; one cut by num_predict, the deadline or the
// connection is an error, never half a narrative.
func generate(ctx context.Context, c *api.Client, o Options, prompt string, numCtx int) (string, error) {
	var text strings.Builder
	var last api.GenerateResponse
	stream := true
	err := c.Generate(ctx, &api.GenerateRequest{
		Model: o.Model, Prompt: prompt, Stream: &stream,
		Options: map[string]any{"num_predict": o.NumPredict, "temperature": o.Temperature, "num_ctx": numCtx, "seed": 1},
	}, func(g api.GenerateResponse) error {
		text.WriteString(g.Response)
		last = g
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case ctx.Err() != nil:
		return "", ctx.Err()
	case !last.Done:
		return "", errIncomplete
	case last.DoneReason == "length":
		return "", fmt.Errorf("%w: it reached num_predict (%d tokens)", errIncomplete, o.NumPredict)
	}
	return text.String(), nil
}
