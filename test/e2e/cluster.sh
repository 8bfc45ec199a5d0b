#!/usr/bin/env bash
# Starts or stops an etcd and a kube-apiserver on 127.0.0.1, for the scale
# benchmark and for trying capplan by hand:
#
#   test/e2e/cluster.sh start DIR   # writes DIR/kubeconfig (admin), DIR/*.pid, DIR/*.log
#   test/e2e/cluster.sh stop DIR    # stops what DIR's PID files name, and nothing else
#
# The servers come from .ci/kube.sh (built once, cached). No kubelet,
# scheduler or controller-manager runs: see test/e2e/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cmd=${1:?start or stop}
dir=${2:?a directory to keep the servers state in}
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

stop() {
  for p in apiserver etcd; do
    pidfile="$dir/$p.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

case "$cmd" in
stop) stop; exit 0 ;;
start) ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

bin=$("$root/.ci/kube.sh")
[ -f "$dir/sa.key" ] || openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
token=$(openssl rand -hex 16)
echo "$token,admin,admin-uid,\"system:masters\"" > "$dir/tokens.csv"
client=$(free_port); peer=$(free_port); api=$(free_port)

# etcd reads every ETCD_* variable as a flag: none from this environment.
env $(env | sed -n 's/^\(ETCD_[^=]*\)=.*/-u \1/p') "$bin/etcd" --name=capplan --data-dir="$dir/etcd" \
  --listen-client-urls="http://127.0.0.1:$client" --advertise-client-urls="http://127.0.0.1:$client" \
  --listen-peer-urls="http://127.0.0.1:$peer" --initial-advertise-peer-urls="http://127.0.0.1:$peer" \
  --initial-cluster="capplan=http://127.0.0.1:$peer" --listen-metrics-urls= \
  --unsafe-no-fsync --quota-backend-bytes=8589934592 --log-level=warn >"$dir/etcd.log" 2>&1 &
echo $! > "$dir/etcd.pid"
trap 'stop' ERR
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$client/health" >/dev/null && break; sleep 0.1; done

"$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$client" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api" --cert-dir="$dir/certs" \
  --token-auth-file="$dir/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$dir/sa.pub" --service-account-signing-key-file="$dir/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 --disable-admission-plugins=ServiceAccount \
  --endpoint-reconciler-type=none --enable-priority-and-fairness=false \
  --max-requests-inflight=800 --max-mutating-requests-inflight=400 >"$dir/apiserver.log" 2>&1 &
echo $! > "$dir/apiserver.pid"

cat > "$dir/kubeconfig" <<K
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:$api", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: "$token"}
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
K
chmod 600 "$dir/kubeconfig" "$dir/tokens.csv"
for _ in $(seq 600); do
  [ "$(curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$api/readyz" 2>/dev/null)" = ok ] && { echo "$dir/kubeconfig"; exit 0; }
  kill -0 "$(cat "$dir/apiserver.pid")" 2>/dev/null || break
  sleep 0.1
done
echo "the API server did not become ready; see $dir/apiserver.log" >&2
tail -5 "$dir/apiserver.log" >&2
stop
exit 1
