package redact

import (
	"context"
	"fmt"
	"log/slog"
)

// NewHandler is h with red's secrets removed from every record's message
// and attributes before h writes them.
func NewHandler(h slog.Handler, red Redactor) slog.Handler { return handler{h, red} }

type handler struct {
	h   slog.Handler
	red Redactor
}

func (r handler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.red.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = r.attr(a)
	}
	return handler{r.h.WithAttrs(clean), r.red}
}

func (r handler) WithGroup(name string) slog.Handler {
	return handler{r.h.WithGroup(name), r.red}
}

// attr is a without secrets: strings, errors, lists of strings and
// anything else that prints as text.
func (r handler) attr(a slog.Attr) slog.Attr {
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
