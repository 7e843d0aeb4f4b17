package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/api/meta"
)

// kctlVersion is the version kctl reports, set at build time with
// -ldflags "-X kctl.dev/kctl/internal/cli.kctlVersion=v1.2.3"; empty means the
// module version from the build information.
var kctlVersion string

// versionOptions are the flags of `kctl version`.
type versionOptions struct {
	Output string
	Client bool
}

// versionInfo is what `kctl version -o json|yaml` prints.
type versionInfo struct {
	ClientVersion *meta.Info `json:"clientVersion,omitempty"`
	ServerVersion *meta.Info `json:"serverVersion,omitempty"`
}

func newCmdVersion(f *Factory, streams IOStreams) *cobra.Command {
	o := &versionOptions{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the client and server version information",
		Long:  "Print the client and server version information for the current context.",
		Example: `  # Print the client and server versions for the current context
  kctl version

  # Only the client's, without contacting a server
  kctl version --client -o yaml`,
		Args: noArgs("extra arguments", false),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), f, streams)
		},
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "One of 'yaml' or 'json'.")
	cmd.Flags().BoolVar(&o.Client, "client", false, "If true, shows client version only (no server required).")
	return cmd
}

func (o *versionOptions) run(ctx context.Context, f *Factory, streams IOStreams) error {
	switch o.Output {
	case "", "json", "yaml":
	default:
		return fmt.Errorf("--output must be 'yaml' or 'json'")
	}
	info := versionInfo{ClientVersion: clientVersionInfo()}
	var serverErr error
	if !o.Client {
		disco, err := f.Discovery()
		if err == nil {
			info.ServerVersion, err = disco.ServerVersion(ctx)
		}
		serverErr = err
	}
	switch o.Output {
	case "":
		fmt.Fprintf(streams.Out, "Client Version: %s\n", info.ClientVersion.GitVersion)
		if info.ServerVersion != nil {
			fmt.Fprintf(streams.Out, "Server Version: %s\n", info.ServerVersion.GitVersion)
		}
	case "json":
		b, err := json.MarshalIndent(info, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(streams.Out, "%s\n", b)
	case "yaml":
		b, err := yaml.Marshal(info)
		if err != nil {
			return err
		}
		if _, err := streams.Out.Write(b); err != nil {
			return err
		}
	}
	return serverErr
}

var versionSemver = regexp.MustCompile(`^v?(\d+)\.(\d+)`)

// clientVersionInfo describes this kctl binary, from the build information
// Go records (module version, VCS revision and time).
func clientVersionInfo() *meta.Info {
	info := &meta.Info{
		GitVersion:   kctlVersion,
		GitTreeState: "clean",
		GoVersion:    runtime.Version(),
		Compiler:     runtime.Compiler,
		Platform:     runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.GitVersion == "" && bi.Main.Version != "(devel)" {
			info.GitVersion = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.GitCommit = s.Value
			case "vcs.time":
				info.BuildDate = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					info.GitTreeState = "dirty"
				}
			}
		}
	}
	if info.GitVersion == "" {
		info.GitVersion = "v0.0.0-devel"
	}
	if m := versionSemver.FindStringSubmatch(info.GitVersion); m != nil {
		info.Major, info.Minor = m[1], m[2]
	}
	return info
}
