package sweep

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// TaskState is what Slurm says about one array task.
type TaskState struct {
	// State is Slurm's job state: PENDING, RUNNING, COMPLETED, FAILED,
	// CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ...
	State string
	// Reason is squeue's reason (NonZeroExitCode, TimeLimit, Priority).
	Reason string
	// ExitCode is the task's exit code (sacct, jobcomp), as 1:0.
	ExitCode string
	// From is where the state comes from: squeue, sacct or jobcomp.
	From string
}

// Active reports whether the task is still queued or running.
func (t TaskState) Active() bool { return t.Queued() || t.Running() }

// Queued reports whether the task waits to start.
func (t TaskState) Queued() bool {
	switch t.State {
	case "PENDING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESV_DEL_HOLD", "SPECIAL_EXIT":
		return true
	}
	return false
}

// Running reports whether the task has started and not ended.
func (t TaskState) Running() bool {
	switch t.State {
	case "RUNNING", "CONFIGURING", "COMPLETING", "SIGNALING", "STAGE_OUT", "RESIZING", "SUSPENDED", "STOPPED":
		return true
	}
	return false
}

// SlurmView is what Slurm said about the tasks of some job arrays.
type SlurmView struct {
	// Tasks maps JOBID_TASK to its state.
	Tasks map[string]TaskState
	// Arrays are the array job ids that squeue still knows (any of
	// their tasks): a task of a known array that squeue does not list
	// was cancelled before it started.
	Arrays map[string]bool
	// Reached is true when squeue answered.
	Reached bool
	// Notes say what could not be asked (no squeue, accounting disabled).
	Notes []string
}

// querySqueue asks squeue about every task of the job arrays, ended ones
// included (squeue keeps them for MinJobAge, 5 minutes by default).
func querySqueue(jobIDs []string) (*SlurmView, error) {
	v := &SlurmView{Tasks: map[string]TaskState{}, Arrays: map[string]bool{}}
	if len(jobIDs) == 0 {
		return v, nil
	}
	if _, err := exec.LookPath("squeue"); err != nil {
		return nil, errors.New("squeue is not on the PATH")
	}
	cmd := exec.Command("squeue", "-h", "-r", "-t", "all", "-j", strings.Join(jobIDs, ","), "-o", "%i|%F|%T|%r")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "Invalid job id") {
			v.Reached = true
			return v, nil // squeue has forgotten every one of them
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("squeue: %s", msg)
	}
	v.Reached = true
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		f := strings.Split(strings.TrimSpace(sc.Text()), "|")
		if len(f) < 4 || !strings.Contains(f[0], "_") || strings.Contains(f[0], "[") {
			continue
		}
		v.Tasks[f[0]] = TaskState{State: f[2], Reason: f[3], From: "squeue"}
		v.Arrays[f[1]] = true
	}
	return v, nil
}

// QuerySlurm asks Slurm about the tasks of the job arrays: squeue first
// (queued, running, and ended within MinJobAge), then for the tasks it no
// longer lists sacct when accounting is on, or the job completion file
// when the cluster writes one (jobcomp/filetxt). Without squeue, or when
// Slurm cannot be reached, it returns what it could learn with a note.
func QuerySlurm(jobIDs []string) *SlurmView {
	v, err := querySqueue(jobIDs)
	if err != nil {
		return &SlurmView{Tasks: map[string]TaskState{}, Arrays: map[string]bool{}, Notes: []string{err.Error()}}
	}
	if len(jobIDs) == 0 {
		return v
	}
	want := map[string]bool{}
	for _, id := range jobIDs {
		want[id] = true
	}
	add := func(array, task string, st TaskState) {
		id := array + "_" + task
		if !want[array] {
			return
		}
		if _, ok := v.Tasks[id]; !ok || v.Tasks[id].From != "squeue" {
			v.Tasks[id] = st
		}
	}
	if err := sacctTasks(jobIDs, add); err != nil {
		used, jerr := jobcompTasks(add)
		switch {
		case jerr != nil:
			v.Notes = append(v.Notes, err.Error(), jerr.Error())
		case !used:
			v.Notes = append(v.Notes, err.Error())
		}
	}
	return v
}

// sacctTasks reads the tasks of the arrays from sacct.
func sacctTasks(jobIDs []string, add func(array, task string, st TaskState)) error {
	if _, err := exec.LookPath("sacct"); err != nil {
		return errors.New("sacct is not on the PATH")
	}
	out, err := exec.Command("sacct", "-n", "-P", "-X", "-j", strings.Join(jobIDs, ","), "-o", "JobID,State,ExitCode").CombinedOutput()
	if err != nil || strings.Contains(string(out), "accounting storage is disabled") {
		msg := strings.TrimSpace(string(out))
		if msg == "" && err != nil {
			msg = err.Error()
		}
		return fmt.Errorf("sacct: %s", msg)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(strings.TrimSpace(sc.Text()), "|")
		if len(f) < 3 {
			continue
		}
		array, task, ok := strings.Cut(f[0], "_")
		if !ok || strings.Contains(task, "[") {
			continue
		}
		state, _, _ := strings.Cut(f[1], " ") // CANCELLED by 0
		add(array, task, TaskState{State: state, ExitCode: f[2], From: "sacct"})
	}
	return nil
}

// jobcompTasks reads the job completion file of jobcomp/filetxt, one
// key=value line per ended job, where scontrol says it is. It reports
// whether the cluster has one.
func jobcompTasks(add func(array, task string, st TaskState)) (bool, error) {
	out, err := exec.Command("scontrol", "show", "config").Output()
	if err != nil {
		return false, fmt.Errorf("scontrol show config: %v", err)
	}
	var typ, loc string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, val, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "JobCompType":
			typ = strings.TrimSpace(val)
		case "JobCompLoc":
			loc = strings.TrimSpace(val)
		}
	}
	if typ != "jobcomp/filetxt" || loc == "" {
		return false, nil
	}
	b, err := os.ReadFile(loc)
	if err != nil {
		return false, fmt.Errorf("job completion file: %v", err)
	}
	sc = bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		kv := map[string]string{}
		for _, f := range strings.Fields(sc.Text()) {
			if k, val, ok := strings.Cut(f, "="); ok {
				kv[k] = val
			}
		}
		if kv["ArrayJobId"] == "" || kv["ArrayTaskId"] == "" || kv["JobState"] == "" {
			continue
		}
		add(kv["ArrayJobId"], kv["ArrayTaskId"], TaskState{State: kv["JobState"], ExitCode: kv["ExitCode"], From: "jobcomp"})
	}
	return true, nil
}
