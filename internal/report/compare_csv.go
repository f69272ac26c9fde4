package report

import (
	"io"
	"strconv"

	"shareline/internal/assess"
)

// WriteCompareCSV writes a comparison as CSV: a header row ("group", "key", "row", then one
// column per provider, headed by its name, in comparison order); a line each for the
// providers' offerings and service models (group "provider"), as their evaluations recorded
// them; one line per CompareRow, with its group, key, label and each provider's cell text as
// shown on the page; then, when some providers were listed apart, one line each (group "excluded", key "provider.<id>", the name, and the reason in the first provider
// column). Every line has the same number of fields. As WriteCSV does, the file is UTF-8 with
// CRLF line ends and no blank line, and text cells that a spreadsheet would run as a formula are prefixed with a
// single quote.
func WriteCompareCSV(w io.Writer, rc Comparison) error {
	c := rc.Comparison
	cw := newCSV(w)
	header := []string{"group", "key", "row"}
	for _, p := range c.Providers {
		header = append(header, safeCell(p.Evaluation.ProviderName))
	}
	if len(c.Providers) == 0 {
		header = append(header, "reason") // so that excluded lines fit the header
	}
	records := [][]string{header,
		providerLine(c, "offering", "Offering", func(ev assess.Evaluation) string { return ev.Offering }),
		providerLine(c, "service_model", "Service model", func(ev assess.Evaluation) string { return ev.ServiceModel.Label() }),
	}
	for _, r := range CompareRows(c) {
		rec := []string{r.Group, r.Key, safeCell(r.Label)}
		for _, cell := range r.Cells {
			rec = append(rec, safeCell(cell.Text))
		}
		records = append(records, rec)
	}
	for _, e := range c.Excluded {
		rec := make([]string, len(header))
		rec[0], rec[1], rec[2], rec[3] = "excluded", "provider."+strconv.FormatInt(e.Provider.ID, 10),
			safeCell(e.Provider.Name), safeCell(e.Reason)
		records = append(records, rec)
	}
	for _, rec := range records {
		if len(rec) < len(header) {
			rec = append(rec, make([]string, len(header)-len(rec))...)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func providerLine(c assess.Comparison, key, label string, field func(assess.Evaluation) string) []string {
	rec := []string{"provider", key, label}
	for _, p := range c.Providers {
		rec = append(rec, safeCell(field(p.Evaluation)))
	}
	return rec
}
