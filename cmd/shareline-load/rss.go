package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampler watches a process's resident memory (Linux /proc) while a scenario runs.
type rssSampler struct {
	pid  int
	stop chan struct{}
	done sync.WaitGroup
	peak int64
}

// residentBytes reads VmRSS of a process.
func residentBytes(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// startRSS samples every 50 ms until stopped; a pid of 0 samples nothing.
func startRSS(pid int) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{})}
	if pid == 0 {
		return s
	}
	s.done.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if n, err := residentBytes(pid); err == nil {
				s.peak = max(s.peak, n)
			}
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	})
	return s
}

// finish stops sampling and returns the peak seen, in bytes.
func (s *rssSampler) finish() int64 {
	close(s.stop)
	s.done.Wait()
	return s.peak
}
