package main

import (
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// Finding 7: the app is built with Go 1.27.3 everywhere it is built (the Makefile, CI, the
// container image) and go.mod names Go 1.27; CI runs govulncheck, which fails on a reachable
// vulnerability. go1.26.8 had 11 vulnerabilities in code the app calls.
func TestBuiltWithGo1273Everywhere(t *testing.T) {
	if v := runtime.Version(); !regexp.MustCompile(`^go1\.(27\.([3-9]|\d\d)|2[89]|[3-9]\d)`).MatchString(v) {
		t.Errorf("this test binary was built by %s, want go1.27.3 or newer", v)
	}
	read := func(path string) string {
		t.Helper()
		b, err := os.ReadFile("../../" + path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct{ file, pattern, what string }{
		{"go.mod", `(?m)^go 1\.27(\.\d+)?$`, "go 1.27"},
		{"Makefile", `(?m)^export GOTOOLCHAIN \?= go1\.27\.3$`, "export GOTOOLCHAIN ?= go1.27.3"},
		{".ci/run", `(?m)^export GOTOOLCHAIN=go1\.27\.3$`, "export GOTOOLCHAIN=go1.27.3"},
		{".ci/run", `(?m)^\s*make vulncheck$`, "make vulncheck"},
		{"Makefile", `(?m)^\t\$\(VULNCHECK\) \./\.\.\.$`, "vulncheck over ./..."},
		{"Dockerfile", `(?m)^FROM golang:1\.27\.3-\S+ AS build$`, "FROM golang:1.27.3-... AS build"},
		{"README.md", `GOTOOLCHAIN=go1\.27\.3`, "GOTOOLCHAIN=go1.27.3"},
	} {
		if !regexp.MustCompile(c.pattern).MatchString(read(c.file)) {
			t.Errorf("%s does not say %s", c.file, c.what)
		}
	}
	for _, line := range strings.Split(read("Dockerfile"), "\n") {
		if strings.HasPrefix(line, "FROM golang:") && !strings.HasPrefix(line, "FROM golang:1.27.3-") {
			t.Errorf("Dockerfile: %q builds with another Go", line)
		}
	}
}
