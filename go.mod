module github.com/capplan/capplan

go 1.26.8

require (
	gonum.org/v1/gonum v0.17.0
	sigs.k8s.io/yaml v1.6.0
)

require (
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	golang.org/x/tools v0.30.0 // indirect
)
