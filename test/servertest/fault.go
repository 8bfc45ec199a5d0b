package servertest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Faulty stands in front of a real Prometheus (at target) and breaks the
// queries whose PromQL holds a key of faults, as the fault says: "500",
// "malformed" (a body cut short), or "slow" (an answer a minute late); and
// after stop requests (0: never) it drops every connection, as a server
// that dies does. It returns its URL.
func Faulty(t testing.TB, target string, faults map[string]string, stop int) string {
	t.Helper()
	u, err := neturl.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The query, read without taking the body from the proxy.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := neturl.ParseQuery(string(body))
		query := form.Get("query") + r.URL.Query().Get("query")
		if stop > 0 && int(n.Add(1)) > stop {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		for key, fault := range faults {
			if strings.Contains(query, key) {
				switch fault {
				case "500":
					http.Error(w, "upstream broke", http.StatusInternalServerError)
				case "malformed":
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":`)
				case "slow":
					select {
					case <-r.Context().Done():
					case <-time.After(time.Minute):
					}
				}
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
