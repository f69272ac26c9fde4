package report_test

import (
	"strings"
	"testing"
	"time"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// named is a report of an evaluation that recorded this provider name and offering.
func named(provider, offering string, generated time.Time) report.Report {
	return report.Report{Evaluation: assess.Evaluation{ProviderName: provider, Offering: offering}, GeneratedAt: generated}
}

func TestFileName(t *testing.T) {
	day := time.Date(2026, time.November, 29, 23, 59, 0, 0, time.UTC)
	tests := []struct {
		name, provider, offering, ext, want string
	}{
		{"Latin diacritics", "Nordić Cloud Ünited", "Object storage", "pdf",
			"shareline-nordic-cloud-united-object-storage-2026-11-29.pdf"},
		{"Cyrillic falls back to provider", "Облачные Системы", "Object storage", "pdf",
			"shareline-provider-object-storage-2026-11-29.pdf"},
		{"sharp s and punctuation", "Straße & Co. KG", "Größe — XL", "xlsx",
			"shareline-strasse-co-kg-grosse-xl-2026-11-29.xlsx"},
		{"more diacritics", "Łódź Øresund Æther", "Çağrı Şişli", "csv",
			"shareline-lodz-oresund-aether-cagri-sisli-2026-11-29.csv"},
		{"no offering", "ACME", "", "json", "shareline-acme-2026-11-29.json"},
		{"offering without ASCII is left out", "Acme", "Хранилище", "pdf", "shareline-acme-2026-11-29.pdf"},
		{"other scripts dropped, words kept apart", "Cloud 中国 Ltd", "", "pdf", "shareline-cloud-ltd-2026-11-29.pdf"},
		{"dashes collapse and trim", "--Acme--  Cloud!!", "(EU)", ".csv", "shareline-acme-cloud-eu-2026-11-29.csv"},
		{"dangerous characters", "../../etc/passwd\x00\"", "a/b\\c", "pdf", "shareline-etc-passwd-a-b-c-2026-11-29.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.FileName(named(tt.provider, tt.offering, day), tt.ext); got != tt.want {
				t.Errorf("FileName(%q, %q) = %q, want %q", tt.provider, tt.offering, got, tt.want)
			}
		})
	}
}

func TestFileNameLongNamesAreCut(t *testing.T) {
	r := named(strings.Repeat("Very Long Provider Name ", 10), strings.Repeat("Enormous Offering ", 10),
		time.Date(2026, time.November, 29, 0, 0, 0, 0, time.UTC))
	got := report.FileName(r, "pdf")
	if len(got) > 110 {
		t.Errorf("FileName = %q (%d bytes), want at most 110", got, len(got))
	}
	if strings.Contains(got, "--") || !strings.HasSuffix(got, "-2026-11-29.pdf") {
		t.Errorf("FileName = %q, want single dashes and the date at the end", got)
	}
	for _, c := range got {
		if c > 0x7e || !(c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			t.Fatalf("FileName = %q has %q; want lower-case ASCII letters, digits, dashes and a dot", got, c)
		}
	}
}

func TestPortfolioAndCompareFileNames(t *testing.T) {
	if got, want := report.PortfolioFileName(time.Date(2026, time.January, 5, 8, 0, 0, 0, time.UTC), "csv"),
		"shareline-portfolio-2026-01-05.csv"; got != want {
		t.Errorf("PortfolioFileName = %q, want %q", got, want)
	}
	at := time.Date(2026, time.November, 29, 23, 59, 0, 0, time.UTC)
	for _, ext := range []string{"pdf", ".xlsx"} {
		want := "shareline-comparison-2026-11-29." + strings.TrimPrefix(ext, ".")
		if got := report.CompareFileName(at, ext); got != want {
			t.Errorf("CompareFileName(%q) = %q, want %q", ext, got, want)
		}
	}
}
