package suite

import (
	"math"
	"sort"
)

// Summary is the spread of one measure over the rounds of a run.
type Summary struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
}

// Summarize returns the min, median and max of vs (the median of an even
// count is the mean of the two middle values). It is the zero Summary when
// vs is empty.
func Summarize(vs []float64) Summary {
	if len(vs) == 0 {
		return Summary{}
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Summary{Min: s[0], Median: med, Max: s[len(s)-1], N: len(s)}
}

// Valid reports whether every figure of s is finite and positive: what a
// ratio or a size must be.
func (s Summary) Valid() bool {
	for _, v := range []float64{s.Min, s.Median, s.Max} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return false
		}
	}
	return s.N > 0
}
