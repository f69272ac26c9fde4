package templates

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"shareline/internal/report"
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

var barRect = regexp.MustCompile(`<rect class="bar" data-provider="(\d+)" data-question="([a-z_]+)" data-score="([0-9.]+)"`)

func TestCompareChartSVG(t *testing.T) {
	c := reporttest.Three(t)
	svg := CompareChartSVG(c)
	reporttest.KeepArtifact(t, "chart3.svg", []byte(svg))
	parseXML(t, svg)
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, `aria-labelledby="cmpchart-title cmpchart-desc"`,
		`<title id="cmpchart-title">Question scores by provider</title>`, `>Question scores by provider</text>`,
		`viewBox="0 0 960 `, reporttest.ScriptEl, reporttest.Nordic, reporttest.Russian, ">n/a</text>",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", "style=", "<style"} {
		if strings.Contains(svg, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	// One bar per provider and scored question, with the score the rows show.
	want := map[string]string{}
	for i, p := range c.Providers {
		for _, qs := range p.Summary.Score.Questions {
			if qs.Scored {
				want[fmt.Sprintf("%d/%s", i+1, qs.Key)] = report.OneDecimal(qs.Score)
			}
		}
	}
	got := map[string]string{}
	for _, m := range barRect.FindAllStringSubmatch(svg, -1) {
		key := m[1] + "/" + m[2]
		if _, dup := got[key]; dup {
			t.Errorf("two bars for provider/question %s", key)
		}
		got[key] = m[3]
	}
	if n := 3*len(c.Questionnaire.Questions) - 1; len(got) != len(want) || len(want) != n {
		t.Errorf("SVG has %d bars, want %d (3 providers × every question, less abuse cases of the PaaS one)", len(got), n)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("bar %s has score %q, want %q", k, got[k], v)
		}
	}
}

func TestCompareChartSVGTwentyProviders(t *testing.T) {
	c := reporttest.Many(t, 20)
	svg := CompareChartSVG(c)
	reporttest.KeepArtifact(t, "chart20.svg", []byte(svg))
	parseXML(t, svg)
	if got := strings.Count(svg, `<pattern id="cmpchart-p`); got != 10 {
		t.Errorf("SVG defines %d patterns, want 10 (providers 11 to 20 are striped)", got)
	}
	for i := range c.Providers {
		if !strings.Contains(svg, fmt.Sprintf(">%d. %s · ", i+1, c.Providers[i].Evaluation.ProviderName)) {
			t.Errorf("legend lacks provider %d, %s", i+1, c.Providers[i].Evaluation.ProviderName)
		}
	}
	// Providers 11 to 20 reuse the colours of 1 to 10, striped.
	if !strings.Contains(svg, `fill="url(#cmpchart-p10)"`) || !strings.Contains(svg, `fill="url(#cmpchart-p19)"`) {
		t.Error("providers 11 and 20 are not filled with their pattern")
	}
	// Abuse cases do not apply to every fifth provider: 20 × 5 bars less 4.
	if got := len(barRect.FindAllString(svg, -1)); got != 96 {
		t.Errorf("SVG has %d bars, want 96", got)
	}
	if got := strings.Count(svg, ">n/a</text>"); got != 4 {
		t.Errorf("SVG has %d n/a marks, want 4", got)
	}
	small := CompareChartSVG(reporttest.Three(t))
	if height(t, svg) <= height(t, small) {
		t.Errorf("20 providers give a chart %v high, 3 give %v: want it to grow", height(t, svg), height(t, small))
	}
}

func height(t *testing.T, svg string) string {
	t.Helper()
	m := regexp.MustCompile(`height="([0-9.]+)"`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatal("SVG has no height")
	}
	return fmt.Sprintf("%08s", m[1])
}

// TestCompareChartSVGEscapes checks that names XML cannot hold as they are still give a
// well-formed document that shows them as text.
func TestCompareChartSVGEscapes(t *testing.T) {
	c := reporttest.Three(t)
	c.Providers[0].Evaluation.ProviderName = `Quote "q" & 'apostrophe' <b>bold</b> \x01 ]]> Ünited`
	c.Providers[1].Evaluation.ProviderName = strings.Repeat("Long name ", 20)
	svg := CompareChartSVG(c)
	parseXML(t, svg)
	for _, bad := range []string{"<b>", `"q"`, "\x01"} {
		if strings.Contains(svg, bad) {
			t.Errorf("SVG contains %q unescaped", bad)
		}
	}
	if !strings.Contains(svg, "Quote &#34;q&#34; &amp; &#39;apostrophe&#39; &lt;b&gt;bold&lt;/b&gt;") {
		t.Error("SVG lacks the escaped name")
	}
	if !strings.Contains(svg, "2. Long name Long name Long name Lon… · IaaS") {
		t.Error("legend does not shorten a long name")
	}
	empty := CompareChartSVG(reporttest.NobodyCompared(t))
	parseXML(t, empty)
	if strings.Contains(empty, `class="bar"`) {
		t.Error("a comparison of nobody has bars")
	}
}

func TestCompareChartSVGNotAssessed(t *testing.T) {
	c := reporttest.NotAssessedComparison(t)
	svg := CompareChartSVG(c)
	parseXML(t, svg)
	if strings.Contains(svg, `data-provider="2"`) {
		t.Error("a provider not assessed has bars, want n/a")
	}
	if n := len(c.Questionnaire.Questions); strings.Count(svg, ">n/a</text>") != n {
		t.Errorf("SVG has %d n/a marks, want one per question (%d)", strings.Count(svg, ">n/a</text>"), n)
	}
}

func BenchmarkCompareChartSVG20(b *testing.B) {
	c := reporttest.Many(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if svg := CompareChartSVG(c); svg == "" {
			b.Fatal("no chart")
		}
	}
}
