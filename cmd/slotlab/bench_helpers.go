package main

import (
	"os/exec"
	"strings"

	"github.com/slotlab/slotlab/framework/nn/gemm"
)

func gemmBackend() string { return gemm.Backend() }

func torchVersion(py string) string {
	out, err := exec.Command(py, "-c", "import torch; print(torch.__version__)").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}
