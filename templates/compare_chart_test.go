package templates

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"shareline/internal/report/reporttest"
)

// parseXML decodes every token of s and fails on the first error.
func parseXML(t *testing.T, s string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
}

var (
	barRect  = regexp.MustCompile(`<rect class="chart-bar" data-provider="(\d+)" data-score="([0-9.]+)"`)
	heatCell = regexp.MustCompile(`<rect class="chart-cell" data-provider="(\d+)" data-question="([a-z_]+)"(?: data-score="([0-9.]+)")?`)
)

func wantNoInlineStyle(t *testing.T, svg string) {
	t.Helper()
	for _, bad := range []string{"<script>", "style=", "<style"} {
		if strings.Contains(svg, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
}

func TestCompareChartSVG(t *testing.T) {
	c := reporttest.Three(t)
	svg := CompareChartSVG(c)
	reporttest.KeepArtifact(t, "chart3.svg", []byte(svg))
	parseXML(t, svg)
	wantNoInlineStyle(t, svg)
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, `aria-labelledby="cmpchart-title cmpchart-desc"`,
		`>Coverage score by provider</text>`, reporttest.ScriptEl, "1. " + reporttest.Nordic + " (SaaS)", reporttest.Russian,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	got := barRect.FindAllStringSubmatch(svg, -1)
	if len(got) != len(c.Providers) {
		t.Fatalf("SVG has %d bars, want one per provider (%d)", len(got), len(c.Providers))
	}
	for i, m := range got {
		if want := c.Providers[i].Summary.Score.Text(); m[1] != fmt.Sprint(i+1) || m[2] != want {
			t.Errorf("bar %d: provider %s score %s, want provider %d score %s", i, m[1], m[2], i+1, want)
		}
	}
}

// TestCompareChartsFiftyProviders checks that 50 providers each get a row of their own, named
// in full on it, in both charts: nothing to match against a legend.
func TestCompareChartsFiftyProviders(t *testing.T) {
	c := reporttest.Many(t, 50)
	bars, heat := CompareChartSVG(c), CompareHeatmapSVG(c)
	reporttest.KeepArtifact(t, "chart50.svg", []byte(bars))
	reporttest.KeepArtifact(t, "heat50.svg", []byte(heat))
	parseXML(t, bars)
	parseXML(t, heat)
	wantNoInlineStyle(t, heat)
	for i, p := range c.Providers {
		label := xmlEscape(providerLabel(i, p))
		if strings.Count(bars, ">"+label+"</text>") != 1 || strings.Count(heat, ">"+label+"</text>") != 1 {
			t.Errorf("provider %d (%s) is not named once on its row in each chart", i+1, p.Evaluation.ProviderName)
		}
	}
	if n := len(barRect.FindAllString(bars, -1)); n != 50 {
		t.Errorf("coverage chart has %d bars, want 50", n)
	}
	cells := heatCell.FindAllStringSubmatch(heat, -1)
	if want := 50 * len(c.Questionnaire.Questions); len(cells) != want {
		t.Fatalf("heat map has %d cells, want %d", len(cells), want)
	}
	for _, m := range cells {
		var i int
		fmt.Sscan(m[1], &i)
		qs, _ := c.Providers[i-1].Summary.Score.Question(m[2])
		if qs.Scored && m[3] == "" {
			t.Errorf("cell %s/%s has no score, want %.1f", m[1], m[2], qs.Score)
		}
		if !qs.Scored && m[3] != "" {
			t.Errorf("cell %s/%s has score %s, want n/a", m[1], m[2], m[3])
		}
	}
	// Rows are at least 17 units high at 50 providers, so that 12-unit labels never overlap.
	if rowH := chartRowHeight(50); rowH < 17 {
		t.Errorf("row height at 50 providers is %v, want at least 17", rowH)
	}
}

// TestCompareChartSVGEscapes checks that names XML cannot hold as they are still give a
// well-formed document that shows them as text.
func TestCompareChartSVGEscapes(t *testing.T) {
	c := reporttest.Three(t)
	c.Providers[0].Evaluation.ProviderName = `Quote "q" & 'apostrophe' <b>bold</b> \x01 ]]> Ünited`
	c.Providers[1].Evaluation.ProviderName = strings.Repeat("Long name ", 20)
	for _, svg := range []string{CompareChartSVG(c), CompareHeatmapSVG(c)} {
		parseXML(t, svg)
		for _, bad := range []string{"<b>", `"q"`, "\x01"} {
			if strings.Contains(svg, bad) {
				t.Errorf("SVG contains %q unescaped", bad)
			}
		}
		if !strings.Contains(svg, "Quote &#34;q&#34; &amp; &#39;apostrophe&#39; &lt;b&gt;bold&lt;/b&gt;") {
			t.Error("SVG lacks the escaped name")
		}
		if !strings.Contains(svg, "2. Long name Long name Long name Long name Lon… (IaaS)") {
			t.Error("SVG does not shorten a long name on its row")
		}
	}
	empty := CompareChartSVG(reporttest.NobodyCompared(t))
	parseXML(t, empty)
	if strings.Contains(empty, `class="chart-bar"`) {
		t.Error("a comparison of nobody has bars")
	}
}

func TestCompareChartSVGNotAssessed(t *testing.T) {
	c := reporttest.NotAssessedComparison(t)
	svg, heat := CompareChartSVG(c), CompareHeatmapSVG(c)
	parseXML(t, svg)
	if strings.Contains(svg, `class="chart-bar" data-provider="2"`) || !strings.Contains(svg, ">Not assessed</text>") {
		t.Error("a provider not assessed has a bar, want Not assessed")
	}
	if n := len(c.Questionnaire.Questions); strings.Count(heat, ">n/a</text>") < n {
		t.Errorf("heat map has %d n/a marks, want at least one per question (%d)", strings.Count(heat, ">n/a</text>"), n)
	}
}

func BenchmarkCompareChartSVG50(b *testing.B) {
	c := reporttest.Many(b, 50)
	b.ReportAllocs()
	for b.Loop() {
		if svg := CompareChartSVG(c) + CompareHeatmapSVG(c); svg == "" {
			b.Fatal("no chart")
		}
	}
}
