package train

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework/config"
)

func TestLearningRate(t *testing.T) {
	wr := config.Schedule{Type: "warm_restarts", Restarts: []int{25, 75}}
	for _, tc := range []struct {
		name  string
		s     config.Schedule
		t     float64
		total int
		want  float64
	}{
		{"constant", config.Schedule{Type: "constant"}, 17.5, 200, 0.2},
		{"multistep before", config.Schedule{Type: "multistep", Milestones: []int{80, 120}, Gamma: 0.1}, 79.9, 200, 0.2},
		{"multistep after first", config.Schedule{Type: "multistep", Milestones: []int{80, 120}, Gamma: 0.1}, 80, 200, 0.02},
		{"multistep after both", config.Schedule{Type: "multistep", Milestones: []int{80, 120}, Gamma: 0.1}, 150, 200, 0.002},
		{"cosine start", config.Schedule{Type: "cosine"}, 0, 100, 0.2},
		{"cosine middle", config.Schedule{Type: "cosine"}, 50, 100, 0.1},
		{"cosine floor", config.Schedule{Type: "cosine", MinLR: 0.02}, 100, 100, 0.02},
		{"restart cycle 1 start", wr, 0, 200, 0.2},
		{"restart cycle 1 middle", wr, 12.5, 200, 0.1},
		{"restart at 25", wr, 25, 200, 0.2},
		{"restart cycle 2 middle", wr, 50, 200, 0.1},
		{"restart at 75", wr, 75, 200, 0.2},
		{"restart cycle 3 end", wr, 200, 200, 0},
		{"restarts past a short run ignored", wr, 1.5, 3, 0.1},
	} {
		if got := LearningRate(tc.s, 0.2, tc.t, tc.total); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
