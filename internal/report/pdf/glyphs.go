package pdf

import (
	"encoding/binary"
	"errors"
	"strings"
)

// glyphSet records which characters of the Basic Multilingual Plane a font can draw, read from
// its cmap table. Characters outside the BMP are never covered: fpdf writes text as 16-bit
// codes, so they could not be drawn even if the font had them.
type glyphSet [65536 / 64]uint64

func (g *glyphSet) has(r rune) bool {
	return r >= 0 && r < 65536 && g[r/64]&(1<<(uint(r)%64)) != 0
}

func (g *glyphSet) add(r rune) { g[r/64] |= 1 << (uint(r) % 64) }

// intersect keeps only the characters both sets cover.
func (g *glyphSet) intersect(o *glyphSet) {
	for i := range g {
		g[i] &= o[i]
	}
}

var errCmap = errors.New("pdf: font has no usable Unicode cmap (format 4)")

// readGlyphSet parses a TrueType font's cmap and returns the characters it maps to a glyph
// other than .notdef. Only the Unicode BMP subtable in format 4 is read.
func readGlyphSet(ttf []byte) (*glyphSet, error) {
	cmap, ok := ttfTable(ttf, "cmap")
	if !ok || len(cmap) < 4 {
		return nil, errCmap
	}
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := range n {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			break
		}
		platform, encoding := binary.BigEndian.Uint16(cmap[rec:]), binary.BigEndian.Uint16(cmap[rec+2:])
		off := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		unicodeBMP := (platform == 3 && encoding == 1) || platform == 0
		if !unicodeBMP || off+2 > len(cmap) || binary.BigEndian.Uint16(cmap[off:]) != 4 {
			continue
		}
		return readFormat4(cmap[off:])
	}
	return nil, errCmap
}

// ttfTable finds a table in the font's table directory.
func ttfTable(ttf []byte, tag string) ([]byte, bool) {
	if len(ttf) < 12 {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, false
		}
		if string(ttf[rec:rec+4]) != tag {
			continue
		}
		off, length := int(binary.BigEndian.Uint32(ttf[rec+8:])), int(binary.BigEndian.Uint32(ttf[rec+12:]))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, false
		}
		return ttf[off : off+length], true
	}
	return nil, false
}

// readFormat4 walks a format 4 subtable's segments and records every character whose glyph
// index is not 0.
func readFormat4(t []byte) (*glyphSet, error) {
	if len(t) < 14 {
		return nil, errCmap
	}
	segs := int(binary.BigEndian.Uint16(t[6:])) / 2
	ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
	if ranges+2*segs > len(t) {
		return nil, errCmap
	}
	u16 := func(at int) int { return int(binary.BigEndian.Uint16(t[at:])) }
	g := new(glyphSet)
	for s := range segs {
		end, start, delta, rangeOff := u16(ends+2*s), u16(starts+2*s), u16(deltas+2*s), u16(ranges+2*s)
		for c := start; c <= end && c != 0xFFFF; c++ {
			glyph := (c + delta) & 0xFFFF
			if rangeOff != 0 {
				at := ranges + 2*s + rangeOff + 2*(c-start)
				if at+2 > len(t) {
					break
				}
				glyph = u16(at)
				if glyph != 0 {
					glyph = (glyph + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				g.add(rune(c))
			}
		}
	}
	return g, nil
}

// drawable replaces every character the set cannot draw with a visible stand-in (□, or ? if
// even that is missing), so that nothing is dropped in silence. Tabs become spaces, CRLF and
// CR become LF, and other control characters are replaced like missing glyphs.
func (g *glyphSet) drawable(s string) string {
	missing := "?"
	if g.has('□') {
		missing = "□"
	}
	var b strings.Builder
	b.Grow(len(s))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || !g.has(r):
			b.WriteString(missing)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
