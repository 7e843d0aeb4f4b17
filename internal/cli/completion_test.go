package cli_test

import (
	"strings"
	"testing"
)

func TestCompletion(t *testing.T) {
	tests := []struct {
		args       []string
		wantOut    []string // substrings of stdout
		wantStderr string
		wantCode   int
	}{
		{args: []string{"completion", "bash"}, wantOut: []string{"# bash completion V2 for kctl", "__start_kctl", "complete -o default -F __start_kctl kctl"}},
		{args: []string{"completion", "zsh"}, wantOut: []string{"#compdef kctl", "_kctl"}},
		{args: []string{"completion", "fish"}, wantOut: []string{"# fish completion for kctl", "complete -c kctl"}},
		{args: []string{"completion", "powershell"}, wantOut: []string{"# powershell completion for kctl", "Register-ArgumentCompleter"}},
		{args: []string{"completion"}, wantStderr: "error: Shell not specified.\nSee 'kctl completion -h' for help and examples\n", wantCode: 1},
		{args: []string{"completion", "tcsh"}, wantStderr: "error: Unsupported shell type \"tcsh\".\nSee 'kctl completion -h' for help and examples\n", wantCode: 1},
		{args: []string{"completion", "bash", "zsh"}, wantStderr: "error: Too many arguments. Expected only the shell type.\nSee 'kctl completion -h' for help and examples\n", wantCode: 1},
	}
	for _, tt := range tests {
		got := configRun(t, tt.args...)
		if got.code != tt.wantCode || got.stderr != tt.wantStderr {
			t.Errorf("kctl %s: %s", strings.Join(tt.args, " "), got)
			continue
		}
		for _, w := range tt.wantOut {
			if !strings.Contains(got.stdout, w) {
				t.Errorf("kctl %s: output lacks %q", strings.Join(tt.args, " "), w)
			}
		}
	}

	// The script completes kctl's own commands: ask cobra's hidden
	// completion command, as the scripts do.
	got := configRun(t, "__complete", "conf")
	if got.code != 0 || !strings.HasPrefix(got.stdout, "config\t") {
		t.Errorf("__complete conf: %s", got)
	}
	got = configRun(t, "__complete", "config", "")
	for _, sub := range []string{"current-context", "get-contexts", "use-context", "view"} {
		if !strings.Contains(got.stdout, sub) {
			t.Errorf("__complete config: no %s in %q", sub, got.stdout)
		}
	}
	got = configRun(t, "__complete", "completion", "")
	if !strings.Contains(got.stdout, "bash") || !strings.Contains(got.stdout, "fish") {
		t.Errorf("__complete completion: %q", got.stdout)
	}
}
