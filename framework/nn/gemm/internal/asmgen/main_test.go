package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGenerated checks that the committed kernel_avx512_amd64.s is what
// this program writes, so an edit of either without the other fails.
func TestGenerated(t *testing.T) {
	const path = "../../kernel_avx512_amd64.s"
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, generate()) {
		t.Fatalf("%s is stale: run go generate in framework/nn/gemm", path)
	}
}
