package ceph

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capplan/capplan/collectors"
)

// sharedFixtures holds the fixtures whose licences keep them out of this
// repository.
const sharedFixtures = "../../../shared/fixtures/ceph-df"

// poolWant is one pool's expected figures, read off the fixture by hand.
type poolWant struct {
	name                         string
	stored, used, maxAvail, objs int64
	percent, replication         float64
}

func TestParseDF(t *testing.T) {
	for _, tc := range []struct {
		file               string
		shared             bool
		total, used, avail int64
		pools              int
		check              []poolWant
		rawNote            bool
	}{
		{
			file: "jewel-10.2.2-df-detail.datadog.json", total: 96589578240, used: 88428388352, avail: 8161189888, pools: 2,
			check: []poolWant{{"rbd", 18144559128, 36289118208, 2214021054, 4327, 18144559128.0 / (18144559128 + 2214021054), 36289118208.0 / 18144559128}},
		},
		{
			file: "luminous-12.2.1-df-detail.datadog.json", total: 627829063680, used: 71406346240, avail: 556422717440, pools: 2,
			check:   []poolWant{{"pool0", 36266725508, 0, 275652370408, 8872, 36266725508.0 / (36266725508 + 275652370408), 0}},
			rawNote: true,
		},
		{
			file: "nautilus-14.2-df.ocs-ci.json", shared: true, total: 6593848541184, used: 5943803904, avail: 6587904737280, pools: 3,
			check: []poolWant{{"ocs-storagecluster-cephblockpool", 762745112, 2296234200, 1866275880960, 442, 0.000409959553508088, 0}},
		},
		{
			file: "octopus-15.2.1-df-detail.checkmk.json", shared: true, total: 29923158114304, used: 6406107496448, avail: 23517050617856, pools: 5,
			check: []poolWant{
				{"ceph-customer", 1851559191360, 5004546308570, 7158794551296, 541172, 0.18898680806159973, 3},
				{"ceph-customer-ec32", 6616424448, 0, 12885830926336, 0, 0, 5.0 / 3},
			},
		},
		{
			file: "octopus-pacific-df-detail.zabbix.json", shared: true, total: 12872318976, used: 5972295680, avail: 6900023296, pools: 4,
			check: []poolWant{{"test_zabbix", 22206, 786432, 1390298112, 4, 0.00018851681670639664, 3}},
		},
		{
			file: "octopus-pacific-df.zabbix.json", shared: true, total: 12872318976, used: 5969149952, avail: 6903169024, pools: 4,
			check: []poolWant{{"test_zabbix", 22206, 786432, 1390997120, 4, 0.0001884220982901752, 0}},
		},
		{
			file: "quincy-plus-df-detail-hdd-nvme-classes.datadog.json", total: 36439169433600, used: 13296295235584, avail: 23142874198016, pools: 14,
			check: []poolWant{{"vms", 2358960218533, 7076883121393, 2737432166400, 731303, 0.46286872029304504, 3}},
		},
		{
			file: "quincy-plus-df-detail-nvme.checkmk.json", shared: true, total: 122903710400512, used: 34639450083328, avail: 88264260317184, pools: 2,
			check: []poolWant{{"nvme1", 11672967409291, 34495139969953, 22423858577408, 3044978, 0.3389628827571869, 3}},
		},
		{
			file: "unknown-version-df-single-osd.netdata.json", shared: true, total: 1073741824, used: 35635200, avail: 1038106624, pools: 1,
			check: []poolWant{{"testpool", 10, 8192, 984419520, 2, 8.321586392412428e-06, 0}},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			if tc.shared {
				path = filepath.Join(sharedFixtures, tc.file)
			}
			data, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) && tc.shared {
				t.Skipf("%s is not here: it is read from ../shared/fixtures beside the repository (licence keeps it out)", path)
			}
			if err != nil {
				t.Fatal(err)
			}
			c, notes, err := ParseDF(data, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if c.TotalBytes != tc.total || c.UsedBytes != tc.used || c.AvailBytes != tc.avail {
				t.Errorf("total/used/avail = %d/%d/%d, want %d/%d/%d", c.TotalBytes, c.UsedBytes, c.AvailBytes, tc.total, tc.used, tc.avail)
			}
			if len(c.Pools) != tc.pools {
				t.Errorf("%d pools, want %d", len(c.Pools), tc.pools)
			}
			if !c.RatiosAssumed || c.NearfullRatio != collectors.DefaultNearfullRatio || c.FullRatio != collectors.DefaultFullRatio {
				t.Errorf("ratios %v/%v assumed=%v, want Ceph's defaults, marked assumed", c.NearfullRatio, c.FullRatio, c.RatiosAssumed)
			}
			for _, want := range tc.check {
				p := findPool(t, c, want.name)
				if want.objs == 0 {
					want.objs = p.Objects // not checked
				}
				if p.StoredBytes != want.stored || p.MaxAvailBytes != want.maxAvail || p.Objects != want.objs {
					t.Errorf("%s: stored/max_avail/objects = %d/%d/%d, want %d/%d/%d", want.name, p.StoredBytes, p.MaxAvailBytes, p.Objects, want.stored, want.maxAvail, want.objs)
				}
				if want.used != 0 && p.UsedBytes != want.used {
					t.Errorf("%s: used %d, want %d", want.name, p.UsedBytes, want.used)
				}
				if want.percent != 0 && !near(p.PercentUsed, want.percent) {
					t.Errorf("%s: percent used %v, want %v", want.name, p.PercentUsed, want.percent)
				}
				if !near(p.Replication, want.replication) {
					t.Errorf("%s: replication %v, want %v", want.name, p.Replication, want.replication)
				}
			}
			if got := hasNote(notes, "without raw usage"); got != tc.rawNote {
				t.Errorf("note on missing raw usage: %v, want %v (notes %v)", got, tc.rawNote, notes)
			}
		})
	}
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(b), 1e-12)
}

func findPool(t *testing.T, c *collectors.Ceph, name string) collectors.Pool {
	t.Helper()
	for _, p := range c.Pools {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no pool %q", name)
	return collectors.Pool{}
}

func hasNote(notes []collectors.Note, text string) bool {
	for _, n := range notes {
		if strings.Contains(n.Message, text) {
			return true
		}
	}
	return false
}

// TestParseDFQuota: `ceph df detail` gives a pool's quota_bytes, 0 for
// none; a negative one is refused with its field.
func TestParseDFQuota(t *testing.T) {
	c, _, err := ParseDF([]byte(`{"stats": {"total_bytes": 3000}, "pools": [
		{"name": "rbd", "stats": {"stored": 10, "max_avail": 900, "quota_bytes": 400}},
		{"name": "fs", "stats": {"stored": 10, "max_avail": 900, "quota_bytes": 0}}]}`), "detail.json")
	if err != nil {
		t.Fatal(err)
	}
	if c.Pools[0].QuotaBytes != 400 || c.Pools[1].QuotaBytes != 0 {
		t.Errorf("quotas %d, %d; want 400 and none", c.Pools[0].QuotaBytes, c.Pools[1].QuotaBytes)
	}
	_, _, err = ParseDF([]byte(`{"stats": {"total_bytes": 3000}, "pools": [{"name": "rbd", "stats": {"stored": 1, "quota_bytes": -1}}]}`), "bad.json")
	if err == nil || !strings.Contains(err.Error(), "pools[0] (rbd).stats.quota_bytes is -1") {
		t.Errorf("error %v", err)
	}
}

func TestParseDFRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"not json", "HEALTH_WARN 1 nearfull osd(s)", "bad.json: not ceph df JSON"},
		{"other json", `{"health": "ok"}`, `no "stats" or "pools"`},
		{"zero total", `{"stats": {"total_bytes": 0}, "pools": []}`, "total_bytes is missing or zero"},
		{"negative", `{"stats": {"total_bytes": 10}, "pools": [{"name": "rbd", "stats": {"stored": -5}}]}`, "pools[0] (rbd).stats.stored is -5"},
		{"percent", `{"stats": {"total_bytes": 10}, "pools": [{"name": "rbd", "stats": {"stored": 1, "percent_used": 42}}]}`, "percent_used is 42, not a fraction"},
		{"string", `{"stats": {"total_bytes": "ten"}, "pools": []}`, "bad.json: not ceph df JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseDF([]byte(tc.data), "bad.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestParseRookStatus(t *testing.T) {
	for _, tc := range []struct {
		file               string
		total, used, avail int64
	}{
		{"cephcluster-status-capacity.rook-docs.yaml", 25757220864, 3226927104, 22530293760},
		{"cephcluster-status-capacity.rook-pr6475.yaml", 10733223936, 1076035584, 9657188352},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			c, notes, err := ParseRookStatus(data, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if c.TotalBytes != tc.total || c.UsedBytes != tc.used || c.AvailBytes != tc.avail {
				t.Errorf("total/used/avail = %d/%d/%d, want %d/%d/%d", c.TotalBytes, c.UsedBytes, c.AvailBytes, tc.total, tc.used, tc.avail)
			}
			if len(c.Pools) != 0 || !hasNote(notes, "no pools") {
				t.Errorf("pools %v, notes %v: want none and a note saying so", c.Pools, notes)
			}
		})
	}
	if _, _, err := ParseRookStatus([]byte("status:\n  phase: Progressing\n"), "new.yaml"); err == nil || !strings.Contains(err.Error(), "new.yaml: CephCluster has no status.ceph.capacity") {
		t.Errorf("error %v, want one naming the file and the missing capacity", err)
	}
}

func FuzzParseDF(f *testing.F) {
	for _, name := range []string{"jewel-10.2.2-df-detail.datadog.json", "quincy-plus-df-detail-hdd-nvme-classes.datadog.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"stats": {"total_bytes": 1e300}, "pools": [{"stats": {"stored": 1e19}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := ParseDF(data, "fuzz.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		if c.TotalBytes <= 0 || c.UsedBytes < 0 || c.AvailBytes < 0 {
			t.Fatalf("accepted impossible totals %d/%d/%d", c.TotalBytes, c.UsedBytes, c.AvailBytes)
		}
		for _, p := range c.Pools {
			if p.StoredBytes < 0 || p.UsedBytes < 0 || p.MaxAvailBytes < 0 || !(p.PercentUsed >= 0 && p.PercentUsed <= 1) || math.IsNaN(p.Replication) || math.IsInf(p.Replication, 0) {
				t.Fatalf("accepted impossible pool %+v", p)
			}
		}
	})
}
