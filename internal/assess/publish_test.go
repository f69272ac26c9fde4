package assess_test

import (
	"strconv"
	"testing"

	"shareline/internal/assess"
)

func TestNextVersion(t *testing.T) {
	base := func(version int, label string) *assess.Questionnaire {
		q, err := assess.ParseQuestionnaire([]byte(`{"key":"k","version":` + strconv.Itoa(version) + `,"title":"T","questions":[{"key":"q","title":"Q","elements":[{"key":"e","label":"` + label + `","type":"text"}]}]}`))
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	tests := []struct {
		name        string
		latest, q   *assess.Questionnaire
		wantVersion int
		wantChanged bool
	}{
		{"a new key starts at 1, whatever the file says", nil, base(7, "E"), 1, true},
		{"the same definition is unchanged", base(3, "E"), base(3, "E"), 3, false},
		{"the same definition under another number is unchanged", base(3, "E"), base(1, "E"), 3, false},
		{"a changed definition takes the next number", base(3, "E"), base(3, "Other"), 4, true},
		{"a changed definition numbered below the newest still takes the next", base(3, "E"), base(1, "Other"), 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, changed := assess.NextVersion(tt.latest, tt.q)
			if v != tt.wantVersion || changed != tt.wantChanged {
				t.Errorf("got version %d changed %v, want %d %v", v, changed, tt.wantVersion, tt.wantChanged)
			}
		})
	}
}
