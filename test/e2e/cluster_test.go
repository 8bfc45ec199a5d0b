// Package e2e runs capplan against a real kube-apiserver and etcd, built
// from the Go module proxy by .ci/kube.sh (test/e2e/tools pins them), with
// real RBAC, pagination and admission. There is no kubelet, scheduler or
// controller-manager: the tests write pods' node bindings and statuses,
// and events, themselves.
package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/test/servertest"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// adminToken is the static token of a system:masters user, for setting
// the cluster up; capplan itself runs with a ServiceAccount's token.
const adminToken = "e2e-admin-token"

// cluster is an etcd and a kube-apiserver on 127.0.0.1, for one test.
type cluster struct {
	URL   string
	Admin *rest.Config
	dir   string
}

// kubeBin is the directory .ci/kube.sh built the servers into, from
// $CAPPLAN_KUBE_BIN; without it the test skips, or fails under CI=true.
func kubeBin(t *testing.T) string {
	t.Helper()
	dir := servertest.NeedEnv(t, "CAPPLAN_KUBE_BIN", "CAPPLAN_KUBE_BIN=$(.ci/kube.sh) go test ./test/e2e")
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			t.Fatalf("CAPPLAN_KUBE_BIN=%s: %v", dir, err)
		}
	}
	return dir
}

// start runs a server of the cluster until the test ends, logging to
// logFile, once ready answers (nil: at once).
func start(t *testing.T, logFile string, ready func() error, bin string, args ...string) {
	t.Helper()
	// etcd reads every ETCD_* variable as a flag: the tests' environment
	// must not configure it by accident.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ETCD_") {
			env = append(env, kv)
		}
	}
	servertest.Start(t, servertest.Process{Path: bin, Args: args, Env: env, LogFile: logFile, Ready: ready, Within: time.Minute})
}

// startCluster starts etcd and the API server with RBAC, the
// ServiceAccount token issuer and the aggregation layer's front proxy.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	bin := kubeBin(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string { return servertest.WriteFile(t, dir, name, data) }
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	saKey := write("sa.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	saPub := write("sa.pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	tokens := write("tokens.csv", []byte(adminToken+`,e2e-admin,e2e-admin-uid,"system:masters"`+"\n"))
	// The aggregation layer's front proxy: the API server presents this
	// client certificate to extension API servers (metrics-server), which
	// trust the CA that signed it.
	proxyCA, proxyCert, proxyKey := frontProxy(t)
	proxyCAFile, proxyCertFile, proxyKeyFile := write("front-proxy-ca.crt", proxyCA), write("front-proxy-client.crt", proxyCert), write("front-proxy-client.key", proxyKey)

	etcdPort, peerPort, apiPort := servertest.FreePort(t), servertest.FreePort(t), servertest.FreePort(t)
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	etcdLog := filepath.Join(dir, "etcd.log")
	start(t, etcdLog, servertest.HTTPReady(http.DefaultClient, etcdURL+"/health", "", "true"), filepath.Join(bin, "etcd"), "--name=e2e", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL, "--initial-cluster=e2e="+peerURL,
		"--listen-metrics-urls=", "--unsafe-no-fsync", "--log-level=warn")

	apiLog := filepath.Join(dir, "apiserver.log")
	// No controller-manager runs: nothing would create a namespace's
	// default ServiceAccount (hence no ServiceAccount admission) or
	// reconcile the kubernetes Service's endpoints.
	c := &cluster{URL: fmt.Sprintf("https://127.0.0.1:%d", apiPort), dir: dir}
	insecure, err := rest.TransportFor(&rest.Config{TLSClientConfig: rest.TLSClientConfig{Insecure: true}})
	if err != nil {
		t.Fatal(err)
	}
	start(t, apiLog, servertest.HTTPReady(&http.Client{Transport: insecure}, c.URL+"/readyz", adminToken, "ok"), filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", apiPort),
		"--cert-dir="+filepath.Join(dir, "certs"),
		"--token-auth-file="+tokens,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+saPub, "--service-account-signing-key-file="+saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--disable-admission-plugins=ServiceAccount",
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--requestheader-client-ca-file="+proxyCAFile, "--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User", "--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file="+proxyCertFile, "--proxy-client-key-file="+proxyKeyFile)
	c.Admin = &rest.Config{Host: c.URL, BearerToken: adminToken, TLSClientConfig: rest.TLSClientConfig{Insecure: true}, QPS: 200, Burst: 400}
	return c
}

// frontProxy makes a CA and a client certificate it signed, CN
// front-proxy-client, as PEM.
func frontProxy(t *testing.T) (ca, cert, key []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "front-proxy-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	clientKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clientTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "front-proxy-client"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	clientDER, err := x509.CreateCertificate(rand.Reader, clientTmpl, caTmpl, &clientKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(clientKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: clientDER}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

// clientset is the admin's client.
func (c *cluster) clientset(t *testing.T) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// kubeconfig writes a kubeconfig that reaches the API server with token,
// under context name.
func (c *cluster) kubeconfig(t *testing.T, name, token string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	data := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: %q, insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: %q}
contexts:
- name: %s
  context: {cluster: e2e, user: u}
current-context: %s
`, c.URL, token, name, name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
