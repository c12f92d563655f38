package sweep

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// ExecutorKey is the reserved key of a sweep block that says where its runs
// execute. Its value is not swept: it is a mapping read by ParseExecutor,
//
//	sweep:
//	  k: [1, 2]
//	  seed: [0, 1]
//	  executor:
//	    type: slurm
//	    partition: cpu
//	    cpus_per_task: 4
//	    mem: 8G
//	    time: "2:00:00"
//	    max_running: 16
//	    sbatch: ["--account=vision"]
//
// or just the executor's type (executor: slurm).
const ExecutorKey = "executor"

// Executor types.
const (
	ExecutorLocal = "local"
	ExecutorSlurm = "slurm"
)

// ExecutorConfig says how a sweep runs: the executor: entry of its sweep
// block, with the command-line flags over it.
type ExecutorConfig struct {
	// Type is "local" (default) or "slurm".
	Type string `yaml:"type"`
	// Jobs is, for local, the number of runs at once: 0 or 1 trains them
	// one after another in the sweep's process, N > 1 starts N `slotlab
	// run` processes with GOMAXPROCS = cores/N each (-j N).
	Jobs int `yaml:"jobs"`
	// SlurmOptions are the resources of each array task, for slurm.
	SlurmOptions `yaml:",inline"`
}

// SlurmOptions are what the slurm executor asks Slurm for: each array task
// (one run) gets these resources.
type SlurmOptions struct {
	// Partition is sbatch's --partition; empty: the cluster's default.
	Partition string `yaml:"partition"`
	// CPUsPerTask is sbatch's --cpus-per-task; a task's GOMAXPROCS is set
	// to it. 0: the cluster's default.
	CPUsPerTask int `yaml:"cpus_per_task"`
	// Mem is sbatch's --mem (4G, 8000M); empty: the cluster's default.
	Mem string `yaml:"mem"`
	// Time is sbatch's --time, the time limit of each run (2:00:00,
	// 1-00:00:00, 90 minutes as 90). A run stopped by it keeps its
	// checkpoint and resumes when the sweep is submitted again.
	Time string `yaml:"time"`
	// MaxRunning caps the array tasks running at once (--array=...%N);
	// 0: no cap.
	MaxRunning int `yaml:"max_running"`
	// Sbatch are extra #SBATCH lines of the job script, each an sbatch
	// option such as --account=vision or --qos=long.
	Sbatch []string `yaml:"sbatch"`
	// Slotlab is the slotlab executable that the tasks run; empty: the
	// one that submits. It must be reachable from the compute nodes.
	Slotlab string `yaml:"slotlab"`
}

// executorKeys are the keys an executor: mapping may hold.
var executorKeys = []string{"type", "jobs", "partition", "cpus_per_task", "mem", "time", "max_running", "sbatch", "slotlab"}

// ParseExecutor reads the executor: entry of a sweep block (nil: the
// default, local). file names the experiment file for error messages.
func ParseExecutor(file string, n *yaml.Node) (ExecutorConfig, error) {
	c := ExecutorConfig{Type: ExecutorLocal}
	if n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return c, nil
	}
	at := func(n *yaml.Node, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if file != "" && n.Line > 0 {
			return fmt.Errorf("%s:%d:%d: sweep.executor: %s", file, n.Line, n.Column, msg)
		}
		return fmt.Errorf("sweep.executor: %s", msg)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		c.Type = n.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if !slices.Contains(executorKeys, k.Value) {
				return c, at(k, "unknown key %q; an executor has %s", k.Value, strings.Join(executorKeys, ", "))
			}
		}
		if err := n.Decode(&c); err != nil {
			return c, at(n, "%v", err)
		}
	default:
		return c, at(n, "executor is local, slurm, or a mapping such as {type: slurm, partition: cpu, cpus_per_task: 4, time: \"2:00:00\"}")
	}
	if err := c.Check(); err != nil {
		return c, at(n, "%v", err)
	}
	return c, nil
}

// Check validates the settings.
func (c *ExecutorConfig) Check() error {
	switch c.Type {
	case "":
		c.Type = ExecutorLocal
	case ExecutorLocal, ExecutorSlurm:
	default:
		return fmt.Errorf("executor type %q: use local or slurm", c.Type)
	}
	if c.Jobs < 0 {
		return fmt.Errorf("jobs must be at least 1, not %d", c.Jobs)
	}
	if c.Type == ExecutorLocal {
		return nil
	}
	if c.Jobs > 1 {
		return fmt.Errorf("jobs (-j) is for the local executor; Slurm runs the tasks (max_running caps them)")
	}
	return c.SlurmOptions.Check()
}

// Check validates the Slurm settings.
func (o *SlurmOptions) Check() error {
	if o.CPUsPerTask < 0 {
		return fmt.Errorf("cpus_per_task must be positive, not %d", o.CPUsPerTask)
	}
	if o.MaxRunning < 0 {
		return fmt.Errorf("max_running must be positive, not %d", o.MaxRunning)
	}
	for name, v := range map[string]string{"partition": o.Partition, "mem": o.Mem, "time": o.Time, "slotlab": o.Slotlab} {
		if strings.ContainsAny(v, "\n\r") {
			return fmt.Errorf("%s must be one line", name)
		}
	}
	for _, s := range o.Sbatch {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#SBATCH"))
		if !strings.HasPrefix(line, "-") || strings.ContainsAny(line, "\n\r") {
			return fmt.Errorf("sbatch line %q: give one sbatch option per line, such as --account=vision", s)
		}
		if strings.HasPrefix(line, "--array") || strings.HasPrefix(line, "-a ") || strings.HasPrefix(line, "--output") || strings.HasPrefix(line, "-o ") {
			return fmt.Errorf("sbatch line %q: slotlab sets the array and the output files itself", s)
		}
	}
	return nil
}

// splitExecutor returns a sweep block without its executor: entry, and
// that entry (nil when it has none). The block itself is not changed.
func splitExecutor(n *yaml.Node) (sweep, executor *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return n, nil
	}
	c := *n
	c.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == ExecutorKey {
			executor = n.Content[i+1]
			continue
		}
		c.Content = append(c.Content, n.Content[i], n.Content[i+1])
	}
	return &c, executor
}
