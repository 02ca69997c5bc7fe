package suite

import "context"

// sides collects the figures of the two sides of a process comparison.
type sides struct {
	wall, cpu, rss [2][]float64
}

func (s *sides) add(i int, p Proc) {
	s.wall[i] = append(s.wall[i], float64(p.Wall))
	s.cpu[i] = append(s.cpu[i], float64(p.CPU))
	s.rss[i] = append(s.rss[i], mib(p.MaxRSS))
}

// compare runs a and b interleaved for c.Rounds rounds after one warm-up
// run of each (page cache, first exec) unless c.NoWarmup, and collects
// their figures.
func compare(ctx context.Context, c *Config, run func(Command) (Proc, error), a, b func() Command) (*sides, error) {
	for _, mk := range []func() Command{a, b} {
		if c.NoWarmup {
			break
		}
		if _, err := run(mk()); err != nil {
			return nil, err
		}
	}
	s := &sides{}
	side := func(i int, mk func() Command) func() error {
		return func() error {
			p, err := run(mk())
			if err != nil {
				return err
			}
			s.add(i, p)
			return ctx.Err()
		}
	}
	err := interleave(c.Rounds, side(0, a), side(1, b))
	return s, err
}

// interleave runs the sides of a comparison round by round, alternating
// their order (a, b; b, a; ...) so that neither always runs first.
func interleave(rounds int, sides ...func() error) error {
	for i := 0; i < rounds; i++ {
		order := make([]int, len(sides))
		for k := range order {
			order[k] = k
			if i%2 == 1 {
				order[k] = len(sides) - 1 - k
			}
		}
		for _, k := range order {
			if err := sides[k](); err != nil {
				return err
			}
		}
	}
	return nil
}

// ratios divides a by b element by element.
func ratios(a, b []float64) []float64 {
	n := min(len(a), len(b))
	out := make([]float64, n)
	for i := range n {
		out[i] = a[i] / b[i]
	}
	return out
}
