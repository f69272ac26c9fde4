package main

import (
	"io"
	"strings"
	"testing"
)

// The metrics listener asks for no account: it binds loopback unless told otherwise.
func TestMetricsAddrMustBeLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		public bool
		ok     bool
	}{
		{"127.0.0.1:9090", false, true},
		{"127.0.0.2:9090", false, true},
		{"[::1]:9090", false, true},
		{"localhost:9090", false, true},
		{":9090", false, false},
		{"0.0.0.0:9090", false, false},
		{"[::]:9090", false, false},
		{"192.0.2.10:9090", false, false},
		{"[2001:db8::1]:9090", false, false},
		{"[::ffff:192.0.2.10]:9090", false, false},
		{":9090", true, true},
		{"0.0.0.0:9090", true, true},
		{"no-port", false, false},
	} {
		for _, how := range []string{"env", "flag"} {
			vars := map[string]string{"SHARELINE_METRICS_ADDR": tc.addr}
			var args []string
			if tc.public {
				vars["SHARELINE_METRICS_PUBLIC"] = "true"
			}
			if how == "flag" {
				vars = nil
				args = []string{"--metrics-addr", tc.addr}
				if tc.public {
					args = append(args, "--metrics-public")
				}
			}
			_, err := parseConfig("serve", args, console{env(vars), nil, io.Discard, io.Discard})
			if tc.ok && err != nil {
				t.Errorf("%s %q (public %v): got error %v, want it accepted", how, tc.addr, tc.public, err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "SHARELINE_METRICS_ADDR")) {
				t.Errorf("%s %q (public %v): got %v, want a refusal naming SHARELINE_METRICS_ADDR", how, tc.addr, tc.public, err)
			}
			if !tc.ok && tc.addr != "no-port" && err != nil && !strings.Contains(err.Error(), "SHARELINE_METRICS_PUBLIC") {
				t.Errorf("%s %q: refusal %q does not say how to allow it (SHARELINE_METRICS_PUBLIC)", how, tc.addr, err)
			}
		}
	}
	if _, err := parseConfig("serve", []string{"--pprof"}, console{env(nil), nil, io.Discard, io.Discard}); err == nil || !strings.Contains(err.Error(), "SHARELINE_METRICS_ADDR") {
		t.Errorf("--pprof without a metrics address: got %v, want a refusal naming SHARELINE_METRICS_ADDR", err)
	}
}
