package assess_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
)

func validProviderInput() assess.ProviderInput {
	return assess.ProviderInput{
		Name:         "Acme Cloud",
		Offering:     "Object storage",
		ServiceModel: "iaas",
		Website:      "https://acme.example/security",
		Notes:        "Shortlisted in March.",
	}
}

func TestNewProviderAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(*assess.ProviderInput)
		want assess.Provider
	}{
		{
			name: "every field",
			edit: func(*assess.ProviderInput) {},
			want: assess.Provider{
				Name: "Acme Cloud", Offering: "Object storage", ServiceModel: assess.IaaS,
				Website: "https://acme.example/security", Notes: "Shortlisted in March.",
			},
		},
		{
			name: "every field trimmed",
			edit: func(in *assess.ProviderInput) {
				in.Name, in.Offering, in.ServiceModel = "  Acme Cloud\t", " Object storage ", " saas\n"
				in.Website, in.Notes = "  https://acme.example  ", "\n  note  \n"
			},
			want: assess.Provider{
				Name: "Acme Cloud", Offering: "Object storage", ServiceModel: assess.SaaS,
				Website: "https://acme.example", Notes: "note",
			},
		},
		{
			name: "only name and service model",
			edit: func(in *assess.ProviderInput) {
				*in = assess.ProviderInput{Name: "Acme", ServiceModel: "paas"}
			},
			want: assess.Provider{Name: "Acme", ServiceModel: assess.PaaS},
		},
		{
			name: "name of 200 multi-byte characters",
			edit: func(in *assess.ProviderInput) { in.Name = strings.Repeat("ß", assess.MaxNameLength) },
			want: assess.Provider{
				Name: strings.Repeat("ß", assess.MaxNameLength), Offering: "Object storage", ServiceModel: assess.IaaS,
				Website: "https://acme.example/security", Notes: "Shortlisted in March.",
			},
		},
		{
			name: "name of 200 characters after trimming",
			edit: func(in *assess.ProviderInput) { in.Name = "   " + strings.Repeat("a", assess.MaxNameLength) + "   " },
			want: assess.Provider{
				Name: strings.Repeat("a", assess.MaxNameLength), Offering: "Object storage", ServiceModel: assess.IaaS,
				Website: "https://acme.example/security", Notes: "Shortlisted in March.",
			},
		},
		{
			name: "right-to-left script without direction controls",
			edit: func(in *assess.ProviderInput) { in.Name = "سحابة" },
			want: assess.Provider{
				Name: "سحابة", Offering: "Object storage", ServiceModel: assess.IaaS,
				Website: "https://acme.example/security", Notes: "Shortlisted in March.",
			},
		},
		{
			name: "notes of 10,000 characters over several lines",
			edit: func(in *assess.ProviderInput) {
				in.Notes = strings.Repeat("é", assess.MaxNotesLength-3) + "\n\tx"
			},
			want: assess.Provider{
				Name: "Acme Cloud", Offering: "Object storage", ServiceModel: assess.IaaS,
				Website: "https://acme.example/security", Notes: strings.Repeat("é", assess.MaxNotesLength-3) + "\n\tx",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validProviderInput()
			tt.edit(&in)
			got, err := assess.NewProvider(in)
			if err != nil {
				t.Fatalf("NewProvider: got error %v, want none", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NewProvider (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewProviderRejects(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*assess.ProviderInput)
		wantFields []string
	}{
		{"name missing", func(in *assess.ProviderInput) { in.Name = "" }, []string{"name"}},
		{"name only spaces", func(in *assess.ProviderInput) { in.Name = " \t " }, []string{"name"}},
		{"name of 201 characters", func(in *assess.ProviderInput) { in.Name = strings.Repeat("a", assess.MaxNameLength+1) }, []string{"name"}},
		{"name of 201 multi-byte characters", func(in *assess.ProviderInput) { in.Name = strings.Repeat("ß", assess.MaxNameLength+1) }, []string{"name"}},
		{"name with a right-to-left override (U+202E)", func(in *assess.ProviderInput) { in.Name = "Acme \u202Eduolc" }, []string{"name"}},
		{"name with a left-to-right embedding (U+202A)", func(in *assess.ProviderInput) { in.Name = "\u202AAcme" }, []string{"name"}},
		{"name with a right-to-left isolate (U+2067)", func(in *assess.ProviderInput) { in.Name = "Acme\u2067x" }, []string{"name"}},
		{"name with a newline", func(in *assess.ProviderInput) { in.Name = "Acme\nCloud" }, []string{"name"}},
		{"name with a carriage return", func(in *assess.ProviderInput) { in.Name = "Acme\rCloud" }, []string{"name"}},
		{"name with a tab", func(in *assess.ProviderInput) { in.Name = "Acme\tCloud" }, []string{"name"}},
		{"name with a NUL", func(in *assess.ProviderInput) { in.Name = "Acme\x00" }, []string{"name"}},
		{"name not UTF-8", func(in *assess.ProviderInput) { in.Name = "Acm\xe9" }, []string{"name"}},
		{"offering of 201 characters", func(in *assess.ProviderInput) { in.Offering = strings.Repeat("o", assess.MaxOfferingLength+1) }, []string{"offering"}},
		{"offering with a newline", func(in *assess.ProviderInput) { in.Offering = "Object\nstorage" }, []string{"offering"}},
		{"offering with a bidi override", func(in *assess.ProviderInput) { in.Offering = "\u202Eegarots" }, []string{"offering"}},
		{"service model missing", func(in *assess.ProviderInput) { in.ServiceModel = "" }, []string{"service_model"}},
		{"service model unknown", func(in *assess.ProviderInput) { in.ServiceModel = "faas" }, []string{"service_model"}},
		{"service model on-premises", func(in *assess.ProviderInput) { in.ServiceModel = "on_premises" }, []string{"service_model"}},
		{"website without a scheme", func(in *assess.ProviderInput) { in.Website = "acme.example" }, []string{"website"}},
		{"website ftp", func(in *assess.ProviderInput) { in.Website = "ftp://acme.example" }, []string{"website"}},
		{"website javascript:", func(in *assess.ProviderInput) { in.Website = "javascript:alert(document.cookie)" }, []string{"website"}},
		{"notes of 10,001 characters", func(in *assess.ProviderInput) { in.Notes = strings.Repeat("é", assess.MaxNotesLength+1) }, []string{"notes"}},
		{"notes with a NUL", func(in *assess.ProviderInput) { in.Notes = "a\x00b" }, []string{"notes"}},
		{
			"every field wrong at once",
			func(in *assess.ProviderInput) {
				*in = assess.ProviderInput{
					Name: "", Offering: "a\nb", ServiceModel: "cloud", Website: "nope", Notes: "\x01",
				}
			},
			[]string{"name", "notes", "offering", "service_model", "website"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validProviderInput()
			tt.edit(&in)
			_, err := assess.NewProvider(in)
			if diff := cmp.Diff(tt.wantFields, fieldKeys(t, err)); diff != "" {
				t.Errorf("fields in error %v (-want +got):\n%s", err, diff)
			}
		})
	}
}

func TestServiceModelValid(t *testing.T) {
	for _, m := range assess.ServiceModels {
		if !m.Valid() {
			t.Errorf("%q.Valid(): got false, want true", m)
		}
	}
	for _, m := range []assess.ServiceModel{"", "SaaS", "faas"} {
		if m.Valid() {
			t.Errorf("%q.Valid(): got true, want false", m)
		}
	}
}

// TestNewProviderRefusesUnicodeLineBreaks documents a defect: one-line fields refuse "\n", "\r"
// and "\t" but accept the Unicode line breaks NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, which
// break the line wherever the name is shown.
func TestNewProviderRefusesUnicodeLineBreaks(t *testing.T) {
	for _, tt := range []struct{ name, char string }{
		{"next line U+0085", "\u0085"},
		{"line separator U+2028", "\u2028"},
		{"paragraph separator U+2029", "\u2029"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := validProviderInput()
			in.Name, in.Offering = "Acme"+tt.char+"Cloud", "Object"+tt.char+"storage"
			_, err := assess.NewProvider(in)
			if err == nil {
				t.Fatalf("NewProvider with %s in name and offering: got no error, want errors on name and offering", tt.name)
			}
			if diff := cmp.Diff([]string{"name", "offering"}, fieldKeys(t, err)); diff != "" {
				t.Errorf("fields in error %v (-want +got):\n%s", err, diff)
			}
		})
	}
}
