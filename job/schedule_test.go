package job

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
)

func TestScheduleNeverOverlaps(t *testing.T) {
	var running, most, runs atomic.Int32
	var mu sync.Mutex
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{&mu, &logs}, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 3500*time.Millisecond)
	defer cancel()
	err := Schedule(ctx, "@every 1s", time.UTC, log, func(context.Context) {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		runs.Add(1)
		time.Sleep(1500 * time.Millisecond)
		running.Add(-1)
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if most.Load() != 1 || runs.Load() < 1 || runs.Load() > 2 {
		t.Errorf("%d runs, at most %d at once; want 1 or 2 runs, never two at once", runs.Load(), most.Load())
	}
	for _, want := range []string{"msg=scheduled", "next_run=", "msg=\"next run\""} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
}

type syncWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestScheduleRefusesABadSpec(t *testing.T) {
	err := Schedule(context.Background(), "every monday", time.UTC, slog.New(slog.DiscardHandler), func(context.Context) {})
	if !errors.As(err, new(config.Error)) || !strings.Contains(err.Error(), `--cron "every monday"`) {
		t.Errorf("%v, want a configuration error naming the spec", err)
	}
}
