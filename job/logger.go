package job

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/capplan/capplan/collectors"
)

// Logger logs to w as JSON, for log collectors, or as text on a terminal,
// with c's secrets removed from every message and attribute.
func Logger(w io.Writer, c Config) *slog.Logger {
	var h slog.Handler = slog.NewJSONHandler(w, nil)
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			h = slog.NewTextHandler(w, nil)
		}
	}
	return slog.New(redactHandler{h, c.redactor()})
}

// redactHandler removes secrets from records before h writes them.
type redactHandler struct {
	h   slog.Handler
	red collectors.Redactor
}

func (r redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.red.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = r.attr(a)
	}
	return redactHandler{r.h.WithAttrs(clean), r.red}
}

func (r redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{r.h.WithGroup(name), r.red}
}

// attr is a without secrets: strings, errors, lists of strings and
// anything else that prints as text.
func (r redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.red.String(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = r.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, r.red.String(x.Error()))
		case []string:
			clean := make([]string, len(x))
			for i, s := range x {
				clean[i] = r.red.String(s)
			}
			return slog.Any(a.Key, clean)
		default:
			if s := fmt.Sprint(x); r.red.String(s) != s {
				return slog.String(a.Key, r.red.String(s))
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
