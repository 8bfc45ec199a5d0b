//go:build !unix

package reportrepo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// lock creates path as a lock file, waiting while another run holds it
// until ctx ends, and returns its release. A run that dies leaves the
// file, which the error names for removal.
func lock(ctx context.Context, path string) (func(), error) {
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock the report repository: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock the report repository: %s is held (remove it if no run is going): %w", path, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}
