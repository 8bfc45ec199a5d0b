package job

import (
	"io"
	"log/slog"
	"os"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/redact"
)

// Logger logs to w as JSON, for log collectors, or as text on a terminal,
// with c's secrets removed from every message and attribute.
func Logger(w io.Writer, c config.Config) *slog.Logger {
	var h slog.Handler = slog.NewJSONHandler(w, nil)
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			h = slog.NewTextHandler(w, nil)
		}
	}
	return slog.New(redact.NewHandler(h, c.Redactor()))
}
