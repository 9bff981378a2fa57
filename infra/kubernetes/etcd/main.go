// Command etcd is etcd's own server, built from its Go module at a pinned release: the control plane
// of the chart tests keeps its state here (infra/kubernetes/build.sh).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
