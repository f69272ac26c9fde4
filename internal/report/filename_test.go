package report_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// named is a report of evaluation 142 that recorded this provider name and offering.
func named(provider, offering string, generated time.Time) report.Report {
	return report.Report{Evaluation: assess.Evaluation{ID: 142, ProviderName: provider, Offering: offering}, GeneratedAt: generated}
}

func TestFileName(t *testing.T) {
	day := time.Date(2026, time.November, 29, 23, 59, 0, 0, time.UTC)
	tests := []struct {
		name, provider, offering, ext, ascii, utf8 string
	}{
		{"Latin diacritics", "Nordić Cloud Ünited", "Object storage", "pdf",
			"shareline-nordic-cloud-united-object-storage-evaluation-142-2026-11-29.pdf",
			"shareline-Nordić-Cloud-Ünited-Object-storage-evaluation-142-2026-11-29.pdf"},
		{"Cyrillic keeps its name in UTF-8 and the id in ASCII", "Облачные Системы", "Object storage", "pdf",
			"shareline-provider-object-storage-evaluation-142-2026-11-29.pdf",
			"shareline-Облачные-Системы-Object-storage-evaluation-142-2026-11-29.pdf"},
		{"Chinese", "阿里云计算", "", "xlsx", "shareline-provider-evaluation-142-2026-11-29.xlsx",
			"shareline-阿里云计算-evaluation-142-2026-11-29.xlsx"},
		{"sharp s and punctuation", "Straße & Co. KG", "Größe — XL", "xlsx",
			"shareline-strasse-co-kg-grosse-xl-evaluation-142-2026-11-29.xlsx",
			"shareline-Straße-&-Co.-KG-Größe-—-XL-evaluation-142-2026-11-29.xlsx"},
		{"no offering", "ACME", "", "json", "shareline-acme-evaluation-142-2026-11-29.json", "shareline-ACME-evaluation-142-2026-11-29.json"},
		{"dangerous characters", "../../etc/passwd\x00\"", "a/b\\c", "pdf",
			"shareline-etc-passwd-a-b-c-evaluation-142-2026-11-29.pdf", "shareline-etcpasswd-abc-evaluation-142-2026-11-29.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := report.FileName(named(tt.provider, tt.offering, day), tt.ext)
			if got.ASCII != tt.ascii || got.UTF8 != tt.utf8 {
				t.Errorf("FileName(%q, %q) = %q / %q, want %q / %q", tt.provider, tt.offering, got.ASCII, got.UTF8, tt.ascii, tt.utf8)
			}
		})
	}
}

// TestDisposition checks the header as RFC 6266 has it: an ASCII filename, and filename*
// that decodes back to the UTF-8 name.
func TestDisposition(t *testing.T) {
	n := report.FileName(named("Облачные Системы", "", time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)), "pdf")
	d := n.Disposition()
	ascii, star, ok := strings.Cut(d, "; filename*=UTF-8''")
	if !ok || ascii != `attachment; filename="shareline-provider-evaluation-142-2026-11-29.pdf"` {
		t.Fatalf("Content-Disposition = %q, want an ASCII filename then filename*=UTF-8''", d)
	}
	if strings.ContainsAny(star, " \"';") {
		t.Errorf("filename* %q holds characters RFC 8187 wants percent-encoded", star)
	}
	got, err := url.PathUnescape(star)
	if err != nil || got != n.UTF8 {
		t.Errorf("filename* decodes to %q (%v), want %q", got, err, n.UTF8)
	}
}

func TestFileNameLongNamesAreCut(t *testing.T) {
	r := named(strings.Repeat("Very Long Provider Name ", 10), strings.Repeat("Enormous Offering ", 10),
		time.Date(2026, time.November, 29, 0, 0, 0, 0, time.UTC))
	got := report.FileName(r, "pdf").ASCII
	if len(got) > 130 {
		t.Errorf("FileName = %q (%d bytes), want at most 130", got, len(got))
	}
	if strings.Contains(got, "--") || !strings.HasSuffix(got, "-evaluation-142-2026-11-29.pdf") {
		t.Errorf("FileName = %q, want single dashes and the evaluation id and date at the end", got)
	}
	for _, c := range got {
		if c > 0x7e || !(c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			t.Fatalf("FileName = %q has %q; want lower-case ASCII letters, digits, dashes and a dot", got, c)
		}
	}
	if u := report.FileName(r, "pdf").UTF8; len([]rune(u)) > 160 {
		t.Errorf("UTF-8 FileName = %q (%d characters), want at most 160", u, len([]rune(u)))
	}
}

func TestPortfolioAndCompareFileNames(t *testing.T) {
	if got, want := report.PortfolioFileName(time.Date(2026, time.January, 5, 8, 0, 0, 0, time.UTC), "csv").ASCII,
		"shareline-portfolio-2026-01-05.csv"; got != want {
		t.Errorf("PortfolioFileName = %q, want %q", got, want)
	}
	at := time.Date(2026, time.November, 29, 23, 59, 0, 0, time.UTC)
	c := report.Comparison{Comparison: assess.Comparison{Providers: []assess.Compared{
		{Evaluation: assess.Evaluation{ProviderName: "Облачные Системы"}}, {Evaluation: assess.Evaluation{ProviderName: "阿里云"}},
		{Evaluation: assess.Evaluation{ProviderName: "Acme"}}, {Evaluation: assess.Evaluation{ProviderName: "Beta"}},
	}}, GeneratedAt: at}
	got := report.CompareFileName(c, ".xlsx")
	if want := "shareline-comparison-4-providers-2026-11-29.xlsx"; got.ASCII != want {
		t.Errorf("CompareFileName ASCII = %q, want %q", got.ASCII, want)
	}
	if want := "shareline-comparison-Облачные-Системы-阿里云-Acme-and-1-more-2026-11-29.xlsx"; got.UTF8 != want {
		t.Errorf("CompareFileName UTF-8 = %q, want %q", got.UTF8, want)
	}
}
