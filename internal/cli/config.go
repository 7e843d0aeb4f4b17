package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/client"
)

// newCmdConfig returns `kctl config` and its subcommands. They read and
// write kubeconfig files only (found as every command finds them: --kubeconfig,
// $KUBECONFIG, ~/.kube/config) and never talk to a server.
func newCmdConfig(f *Factory, streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config SUBCOMMAND",
		Short: "Modify kubeconfig files",
		Long: "Show and change kubeconfig files. The files are those every command reads:\n" +
			"--kubeconfig alone if given; else the files listed in $KUBECONFIG, merged (for\n" +
			"each cluster, user and context name, and for current-context, the first file\n" +
			"that sets it wins); else ~/.kube/config.",
		// kubectl's words for a subcommand it does not have.
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newCmdConfigView(f, streams),
		newCmdConfigGetContexts(f, streams),
		newCmdConfigCurrentContext(f, streams),
		newCmdConfigUseContext(f, streams),
	)
	return cmd
}

func configRead(f *Factory) (*client.RawKubeconfig, error) {
	return client.ReadKubeconfig(f.Flags.Kubeconfig)
}

func newCmdConfigView(f *Factory, streams IOStreams) *cobra.Command {
	var raw, minify, flatten bool
	var output string
	cmd := &cobra.Command{
		Use:   "view",
		Short: "Display merged kubeconfig settings or a specified kubeconfig file",
		Long: "Print the merged kubeconfig as YAML (or JSON with -o json). Certificate and key\n" +
			"data print as DATA+OMITTED and tokens and passwords as REDACTED, unless --raw.",
		Example: `  # The merged kubeconfig
  kctl config view

  # Only what the current context uses, with its secrets
  kctl config view --minify --raw`,
		Args: noArgs("unexpected arguments", true),
		RunE: func(*cobra.Command, []string) error {
			if output != "yaml" && output != "json" {
				return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: json,yaml", output)
			}
			k, err := configRead(f)
			if err != nil {
				return err
			}
			if minify {
				if err := k.Minify(f.Flags.Context); err != nil {
					return err
				}
			}
			if flatten {
				if err := k.Flatten(); err != nil {
					return err
				}
			}
			doc := k.Document(raw || flatten)
			var out []byte
			if output == "json" {
				out, err = json.MarshalIndent(doc, "", "    ")
				out = append(out, '\n')
			} else {
				out, err = yaml.Marshal(doc)
			}
			if err != nil {
				return err
			}
			_, err = streams.Out.Write(out)
			return err
		},
	}
	cmd.Flags().BoolVar(&raw, "raw", false, "Display raw byte data and sensitive data")
	cmd.Flags().BoolVar(&minify, "minify", false, "Remove all information not used by current-context from the output")
	cmd.Flags().BoolVar(&flatten, "flatten", false, "Flatten the resulting kubeconfig file into self-contained output (useful for creating portable kubeconfig files)")
	cmd.Flags().StringVarP(&output, "output", "o", "yaml", "Output format: yaml or json.")
	return cmd
}

func newCmdConfigGetContexts(f *Factory, streams IOStreams) *cobra.Command {
	var output string
	var noHeaders bool
	cmd := &cobra.Command{
		Use:   "get-contexts [(-o|--output=)name)]",
		Short: "Describe one or many contexts",
		Example: `  # List all the contexts in your kubeconfig file
  kctl config get-contexts

  # Describe one context
  kctl config get-contexts my-context`,
		RunE: func(_ *cobra.Command, args []string) error {
			if output != "" && output != "name" {
				return fmt.Errorf("--output %s is not available in kctl config get-contexts; resetting to default output format", output)
			}
			k, err := configRead(f)
			if err != nil {
				return err
			}
			var show []client.NamedEntry
			var missing []string
			if len(args) == 0 {
				show = k.Contexts
			}
			for _, name := range args {
				if ctx := k.Context(name); ctx != nil {
					show = append(show, client.NamedEntry{Name: name, Value: ctx})
				} else {
					missing = append(missing, name)
				}
			}
			if output == "name" {
				for _, e := range show {
					fmt.Fprintln(streams.Out, e.Name)
				}
			} else if err := configContextsTable(streams.Out, k.CurrentContext, show, noHeaders); err != nil {
				return err
			}
			// kubectl's aggregate: one error as any other, several each
			// on its own line.
			switch len(missing) {
			case 0:
			case 1:
				return fmt.Errorf("context %s not found", missing[0])
			default:
				var b strings.Builder
				for i, name := range missing {
					if i > 0 {
						b.WriteByte('\n')
					}
					fmt.Fprintf(&b, "context %s not found", name)
				}
				return &bareError{b.String()}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "Output format. One of: (name).")
	cmd.Flags().BoolVar(&noHeaders, "no-headers", false, "When using the default or custom-column output format, don't print headers (default print headers).")
	return cmd
}

// configContextsTable prints CURRENT NAME CLUSTER AUTHINFO NAMESPACE as
// kubectl's table printer lays them out.
func configContextsTable(out io.Writer, current string, contexts []client.NamedEntry, noHeaders bool) error {
	tw := tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)
	if !noHeaders {
		fmt.Fprintln(tw, "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE")
	}
	for _, e := range contexts {
		mark := ""
		if e.Name == current {
			mark = "*"
		}
		str := func(k string) string { s, _ := e.Value[k].(string); return s }
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, e.Name, str("cluster"), str("user"), str("namespace"))
	}
	return tw.Flush()
}

func newCmdConfigCurrentContext(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "current-context",
		Short:   "Display the current-context",
		Example: "  kctl config current-context",
		Args:    noArgs("unexpected arguments", true),
		RunE: func(*cobra.Command, []string) error {
			k, err := configRead(f)
			if err != nil {
				return err
			}
			if k.CurrentContext == "" {
				return errors.New("current-context is not set")
			}
			fmt.Fprintln(streams.Out, k.CurrentContext)
			return nil
		},
	}
}

func newCmdConfigUseContext(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "use-context CONTEXT_NAME",
		Aliases: []string{"use"},
		Short:   "Set the current-context in a kubeconfig file",
		Long: "Make CONTEXT_NAME the current context. It is written to --kubeconfig if given;\n" +
			"else, as kubectl does, to the first of the $KUBECONFIG files that exists (the\n" +
			"only one when there is one); else to ~/.kube/config.",
		Example: "  kctl config use-context minikube",
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("Unexpected args: %v", args)
			}
			name := args[0]
			k, err := configRead(f)
			if err != nil {
				return err
			}
			if k.Context(name) == nil {
				return fmt.Errorf("no context exists with the name: %q", name)
			}
			if _, err := client.SetCurrentContext(f.Flags.Kubeconfig, name); err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "Switched to context %q.\n", name)
			return nil
		},
	}
}
