package web

// PrintCSS is the style sheet of the print layouts that are printed to PDF
// (static/report-print.css), to inline in their documents: the browser prints them with no
// network and no server to fetch it from.
func PrintCSS() string {
	b, err := files.ReadFile("static/report-print.css")
	if err != nil {
		panic(err) // the file is embedded with the others
	}
	return string(b)
}
