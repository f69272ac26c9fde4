package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileIsExactNearestRank(t *testing.T) {
	sorted := make([]time.Duration, 100)
	for i := range sorted {
		sorted[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.5, time.Millisecond}} {
		if got := percentile(sorted, tc.p); got != tc.want {
			t.Errorf("percentile(1..100 ms, %v): got %v, want %v", tc.p, got, tc.want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("percentile of one value: got %v, want it", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile of nothing: got %v, want 0", got)
	}
}

func TestMeasureRunsTheRequestCountAndCountsErrors(t *testing.T) {
	var calls atomic.Int64
	o := func(_ context.Context, i int) (int64, error) {
		calls.Add(1)
		if i%10 == 0 {
			return 5, fmt.Errorf("failure %d", i%20)
		}
		return 100, nil
	}
	r := measure(context.Background(), "x", o, plan{clients: 4, requests: 200})
	if calls.Load() != 200 || r.requests() != 200 {
		t.Fatalf("calls: got %d (result says %d), want 200", calls.Load(), r.requests())
	}
	if r.errors != 20 || len(r.ok) != 180 {
		t.Errorf("got %d errors and %d ok, want 20 and 180", r.errors, len(r.ok))
	}
	if r.bytes != 180*100+20*5 {
		t.Errorf("bytes: got %d, want %d", r.bytes, 180*100+20*5)
	}
	if len(r.messages) != 2 || !strings.HasPrefix(r.messages[0], "failure ") {
		t.Errorf("messages: got %q, want the two distinct failures", r.messages)
	}
	for i := 1; i < len(r.ok); i++ {
		if r.ok[i] < r.ok[i-1] {
			t.Fatal("latencies are not sorted")
		}
	}
}

func TestMeasureStopsAtTheDuration(t *testing.T) {
	o := func(ctx context.Context, _ int) (int64, error) {
		time.Sleep(time.Millisecond)
		return 0, nil
	}
	r := measure(context.Background(), "x", o, plan{clients: 2, duration: 100 * time.Millisecond})
	if r.elapsed < 100*time.Millisecond || r.elapsed > 2*time.Second || len(r.ok) == 0 {
		t.Errorf("got %d requests in %v, want some, over about 100 ms", len(r.ok), r.elapsed)
	}
	if r.throughput() <= 0 {
		t.Errorf("throughput: got %v, want more than 0", r.throughput())
	}
}

func TestMeasureStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	o := func(ctx context.Context, i int) (int64, error) {
		if i >= 10 {
			cancel()
		}
		return 0, ctx.Err()
	}
	done := make(chan result)
	go func() { done <- measure(ctx, "x", o, plan{clients: 3, duration: time.Hour}) }()
	select {
	case r := <-done:
		if r.requests() > 100 {
			t.Errorf("requests after cancelling: got %d (%d errors, %d ok), want the run to stop", r.requests(), r.errors, len(r.ok))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("measure did not stop when its context was cancelled")
	}
}

func TestAddMessageKeepsAFewDistinct(t *testing.T) {
	var list []string
	for _, m := range []string{"a", "a", "b", "c", "d"} {
		list = addMessage(list, m)
	}
	if strings.Join(list, ",") != "a,b,c" {
		t.Errorf("got %q, want a, b, c", list)
	}
}
