package report

import "testing"

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "plain": "plain", "1-2": "1-2", " =x": " =x",
	} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkBest(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	tests := []struct {
		name   string
		values []*float64
		dir    better
		want   []bool
	}{
		{"highest", []*float64{f(1), f(3), f(2)}, higherIsBetter, []bool{false, true, false}},
		{"lowest", []*float64{f(1), f(3), f(1)}, lowerIsBetter, []bool{true, false, true}},
		{"ties", []*float64{f(3), nil, f(3), f(0)}, higherIsBetter, []bool{true, false, true, false}},
		{"all equal", []*float64{f(2), f(2)}, higherIsBetter, []bool{false, false}},
		{"one number", []*float64{nil, f(2)}, higherIsBetter, []bool{false, false}},
		{"none", []*float64{nil, nil}, higherIsBetter, []bool{false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cells := make([]CompareCell, len(tc.values))
			for i, v := range tc.values {
				cells[i].Value = v
			}
			markBest(cells, tc.dir)
			for i, c := range cells {
				if c.Best != tc.want[i] {
					t.Errorf("cell %d Best = %v, want %v", i, c.Best, tc.want[i])
				}
			}
		})
	}
}
