package cli

import (
	"github.com/spf13/cobra"
)

// newCmdCompletion returns `kctl completion SHELL`: cobra's completion
// scripts for the whole command tree.
func newCmdCompletion(streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "completion SHELL",
		Short: "Output shell completion code for the specified shell (bash, zsh, fish or powershell)",
		Long: "Print the code that makes a shell complete kctl's commands, flags and\n" +
			"arguments. Load it in the current shell, or install it where the shell loads\n" +
			"completions from.",
		Example: `  # bash (needs the bash-completion package)
  source <(kctl completion bash)
  kctl completion bash > /etc/bash_completion.d/kctl

  # zsh
  source <(kctl completion zsh)
  kctl completion zsh > "${fpath[1]}/_kctl"

  # fish
  kctl completion fish > ~/.config/fish/completions/kctl.fish`,
		ValidArgs:             []string{"bash", "zsh", "fish", "powershell"},
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return usagef("Shell not specified.")
			case len(args) > 1:
				return usagef("Too many arguments. Expected only the shell type.")
			}
			root := cmd.Root()
			out := streams.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return usagef("Unsupported shell type %q.", args[0])
		},
	}
}
