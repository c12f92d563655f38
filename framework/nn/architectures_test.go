package nn

import (
	"path/filepath"
	"testing"
)

// TestPaperArchitectures checks the architecture files against docs/method.md §2:
// weight counts and the features at the flatten.
func TestPaperArchitectures(t *testing.T) {
	for _, tc := range []struct {
		file    string
		weights int64
		flat    int
	}{
		{"lenet-300-100.yaml", 266200, 784},
		{"conv2.yaml", 3317952, 12544},
		{"conv4.yaml", 1147072, 3200},
		{"conv6.yaml", 1474752, 1024},
		{"vgg19.yaml", 20024000, 512},
	} {
		a, err := loadSpec(filepath.Join("..", "..", "architectures", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewPlan(a, 8)
		if err != nil {
			t.Fatal(err)
		}
		if p.Weights != tc.weights {
			t.Errorf("%s: %d weights, docs/method.md says %d", tc.file, p.Weights, tc.weights)
		}
		for _, st := range p.Steps {
			if st.Layer.Kind == "flatten" && st.Out[0] != tc.flat {
				t.Errorf("%s: %d features at the flatten, want %d", tc.file, st.Out[0], tc.flat)
			}
		}
	}
}
