// compose-config loads a Compose file with the Compose specification's own loader (compose-go,
// the library behind `docker compose`), normalises it as `docker compose config` does, and prints
// the resolved model as JSON. Any error (an unknown key, a bad reference, a depends_on naming no
// service, a volume never declared) is printed and exits 1, so the file is checked without a
// Docker engine.
//
//	compose-config [-f docker-compose.yml]... [-p project-name]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

type files []string

func (f *files) String() string     { return fmt.Sprint(*f) }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var paths files
	flag.Var(&paths, "f", "a Compose file (repeatable; default: the Compose file of the working directory)")
	name := flag.String("p", "", "the project name (default: the name in the file, else the folder's)")
	flag.Parse()

	options := []cli.ProjectOptionsFn{
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	}
	if *name != "" {
		options = append(options, cli.WithName(*name))
	}
	projectOptions, err := cli.NewProjectOptions(paths, options...)
	if err != nil {
		fail(err)
	}
	project, err := projectOptions.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	model, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	if _, err := os.Stdout.Write(append(model, '\n')); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compose-config:", err)
	os.Exit(1)
}
