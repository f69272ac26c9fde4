package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one unit of work a client repeats: a request, or a database write. i counts the
// operations of a scenario from 0, so that each can vary what it sends. It returns the bytes
// it received.
type op func(ctx context.Context, i int) (int64, error)

// plan says how long a scenario runs: for a number of operations when requests > 0, else for
// a duration.
type plan struct {
	clients  int
	duration time.Duration
	requests int
}

// result is what one scenario measured.
type result struct {
	name      string
	clients   int
	ok        []time.Duration // the latency of every successful operation, sorted once finished
	errors    int
	messages  []string // the first few distinct error messages
	bytes     int64
	elapsed   time.Duration
	rssBefore int64 // the server's resident memory before the scenario, in bytes; 0 when unknown
	rssPeak   int64
	note      string // why the scenario did not run, when it did not
}

// maxMessages is how many distinct error messages a result keeps.
const maxMessages = 3

// worker is one client's share of a result, merged when every client is done.
type worker struct {
	ok     []time.Duration
	errors int
	bytes  int64
}

// measure repeats o with p.clients concurrent clients and measures every operation.
func measure(ctx context.Context, name string, o op, p plan) result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	res := result{name: name, clients: p.clients}
	workers := make([]worker, p.clients)
	deadline := time.Now().Add(p.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if (p.requests > 0 && i >= p.requests) || (p.requests <= 0 && time.Now().After(deadline)) {
					return
				}
				t0 := time.Now()
				n, err := o(ctx, i)
				d := time.Since(t0)
				workers[w].bytes += n
				if err != nil {
					workers[w].errors++
					mu.Lock()
					res.messages = addMessage(res.messages, err.Error())
					mu.Unlock()
					continue
				}
				workers[w].ok = append(workers[w].ok, d)
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	for _, w := range workers {
		res.ok = append(res.ok, w.ok...)
		res.errors += w.errors
		res.bytes += w.bytes
	}
	slices.Sort(res.ok)
	return res
}

// addMessage keeps the first few distinct messages.
func addMessage(list []string, msg string) []string {
	if len(list) >= maxMessages || slices.Contains(list, msg) {
		return list
	}
	return append(list, msg)
}

// percentile is the exact nearest-rank percentile of sorted latencies: the smallest value with
// at least p percent of the values at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(len(sorted))*p/100)) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// throughput is successful operations per second.
func (r result) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(len(r.ok)) / r.elapsed.Seconds()
}

func (r result) requests() int { return len(r.ok) + r.errors }

func (r result) String() string {
	return fmt.Sprintf("%s: %d ok, %d errors in %s", r.name, len(r.ok), r.errors, r.elapsed.Round(time.Millisecond))
}
