package definition

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// parseDuration reads Go duration syntax ("1h30m", "500ms") with one more
// unit, "d" (24h), allowed as the leading part ("7d", "1d12h").
func parseDuration(s string) (time.Duration, error) {
	days := 0
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || n > 100_000 {
			return 0, fmt.Errorf("bad day count %q", s[:i])
		}
		days, s = n, s[i+1:]
		if s == "" {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	total := time.Duration(days)*24*time.Hour + v
	if total < v {
		return 0, fmt.Errorf("out of range")
	}
	return total, nil
}

// duration decodes a duration value; zeroOK allows "0".
func (d *decoder) duration(n *yaml.Node, what string, zeroOK bool) (time.Duration, bool) {
	s, ok := d.scalar(n, what)
	if !ok || !s.ok {
		return 0, false
	}
	v, err := parseDuration(s.Text)
	if err != nil || v < 0 {
		d.errAt(s.Pos, CodeDuration, fmt.Sprintf("%s: %s is not a duration", what, s.show()),
			"write a number with a unit: 500ms, 30s, 5m, 2h, 1d")
		return 0, false
	}
	if v == 0 && !zeroOK {
		d.errAt(s.Pos, CodeDuration, what+" must be longer than 0", "")
		return 0, false
	}
	return v, true
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"MB", 1000_000}, {"GB", 1000_000_000},
	{"B", 1},
}

// parseSize reads "1MiB", "512KiB", "10MB", "100B" or a plain byte count.
func parseSize(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, false
	}
	return n * mult, true
}

// size decodes a positive size in bytes.
func (d *decoder) size(n *yaml.Node, what string) (int64, bool) {
	s, ok := d.scalar(n, what)
	if !ok || !s.ok {
		return 0, false
	}
	v, good := parseSize(s.Text)
	if !good {
		d.errAt(s.Pos, CodeSize, fmt.Sprintf("%s: %s is not a size", what, s.show()),
			"write bytes, or a number with a unit: 512KiB, 1MiB, 10MB")
		return 0, false
	}
	if v == 0 {
		d.errAt(s.Pos, CodeSize, what+" must be larger than 0", "")
		return 0, false
	}
	return v, true
}
