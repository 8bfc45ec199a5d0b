// Command etcd is the etcd server the API server of the end-to-end tests
// stores in: the version k8s.io/kubernetes itself depends on.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
