package reportrepo

import "time"

// lockPoll is how often a run waiting for the report repository's lock
// tries again (lock_unix.go, lock_other.go).
const lockPoll = 100 * time.Millisecond
