module kctl.dev/kctl

go 1.26
