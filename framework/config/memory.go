package config

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
)

// EnvMemoryLimit is the environment variable that sets the memory a run may
// take instead of what the machine reports: bytes, or a number with K, M,
// G or T (binary units, e.g. 8G), or "off" to skip the check.
const EnvMemoryLimit = "SLOTLAB_MEMORY_LIMIT"

// Memory returns the bytes of trainable state the experiment's network
// needs, with the accounting of `slotlab describe` (nn.Describe): score
// coefficients, selections, gradients, and the stored initial scores and
// candidate weights, or the learned weights and their momentum.
func (e *Experiment) Memory() (int64, error) {
	method := e.Method
	if method == framework.MethodFinetune {
		method = framework.MethodSlot // the slot phase is the larger
	}
	plan, err := nn.NewPlan(e.Arch.Spec(), e.K)
	if err != nil {
		return 0, e.Arch.Place(err)
	}
	var sharing framework.Sharing
	if e.Sharing.Module != nil {
		sharing, _ = e.Sharing.Module.(framework.Sharing)
	}
	d, err := nn.Describe(plan, method, e.K, sharing, e.Storage == "regenerated")
	if err != nil {
		return 0, err
	}
	return d.Memory, nil
}

// CheckMemory refuses an experiment whose network (Memory) needs more memory
// than the machine has (MemoryLimit), before any data is loaded: the error
// gives the estimate, the limit and where it comes from, and the fixes.
func (e *Experiment) CheckMemory() error {
	limit, from, err := MemoryLimit()
	if err != nil || limit <= 0 {
		return err
	}
	need, err := e.Memory()
	if err != nil {
		return err
	}
	if need <= limit {
		return nil
	}
	fix := "lower k"
	if e.Method != framework.MethodLearned && e.Storage != "regenerated" {
		fix = "set storage: regenerated (override storage=regenerated: the same training, without storing the K candidates and initial scores) or lower k"
		if r, err := e.regeneratedMemory(); err == nil {
			fix = fmt.Sprintf("set storage: regenerated (override storage=regenerated; the same training in %s) or lower k", Bytes(r))
		}
	}
	return e.Src.Errorf("k", "the network needs %s of memory for K=%d (%s %s, as `slotlab describe` counts it), more than the %s this machine has (%s); %s, or set $%s if the limit is wrong",
		Bytes(need), e.K, e.Arch.Name, e.Method, Bytes(limit), from, fix, EnvMemoryLimit)
}

// regeneratedMemory is Memory with storage regenerated.
func (e *Experiment) regeneratedMemory() (int64, error) {
	c := *e
	c.Storage = "regenerated"
	return c.Memory()
}

// MemoryLimit returns the memory a run may use and where the number comes
// from: $SLOTLAB_MEMORY_LIMIT if set ("off": 0, no limit), else the
// smaller of the cgroup's limit (v2 memory.max, v1 memory.limit_in_bytes)
// and MemTotal of /proc/meminfo. It returns 0 when nothing says.
func MemoryLimit() (int64, string, error) {
	if v, ok := os.LookupEnv(EnvMemoryLimit); ok && strings.TrimSpace(v) != "" {
		if strings.EqualFold(strings.TrimSpace(v), "off") {
			return 0, "", nil
		}
		n, err := ParseBytes(v)
		if err != nil {
			return 0, "", fmt.Errorf("$%s=%q: %v; write bytes, a number with K, M, G or T (e.g. 8G), or off", EnvMemoryLimit, v, err)
		}
		return n, "$" + EnvMemoryLimit, nil
	}
	var limit int64
	var from string
	if n := memTotal("/proc/meminfo"); n > 0 {
		limit, from = n, "MemTotal in /proc/meminfo"
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 { // "max", or unreadable
			continue
		}
		if limit == 0 || n < limit {
			limit, from = n, "the cgroup limit in "+p
		}
	}
	return limit, from, nil
}

// memTotal reads MemTotal (bytes) from a meminfo file, 0 if absent.
func memTotal(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// ParseBytes reads a size: bytes, or a number with the binary suffix K, M,
// G or T (an optional trailing B or iB is accepted: 8G, 8GB, 8GiB).
func ParseBytes(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "IB"), "B")
	mult := int64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			s = s[:len(s)-1]
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(f > 0) || f*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("not a positive size")
	}
	return int64(f * float64(mult)), nil
}

// Bytes formats a size as `slotlab describe` does: 130.00 GiB, 3.1 MiB.
func Bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
