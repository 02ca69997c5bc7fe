package suite

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// DefaultSizes are the body sizes of the body row: 1 KB, 100 KB, 10 MB
// (decimal: 10 MB stays under weft's default 10 MiB response limit).
var DefaultSizes = []int{1_000, 100_000, 10_000_000}

// itemsBody is a JSON object {"items": [...]} of about size bytes (never
// less than one item). It returns the body, the index of the last item
// and that item's id and name.
func itemsBody(size int) (body []byte, last int, id, name string) {
	var b bytes.Buffer
	b.Grow(size + 256)
	b.WriteString(`{"items":[`)
	for i := 0; ; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		id, name = fmt.Sprintf("item-%07d", i), fmt.Sprintf("name-%07d", i)
		fmt.Fprintf(&b, `{"id":%q,"name":%q,"value":%d,"tags":["alpha","beta"],"note":"lorem ipsum dolor sit amet"}`, id, name, i)
		last = i
		if b.Len()+120 > size {
			break
		}
	}
	b.WriteString(`],"total":`)
	b.WriteString(strconv.Itoa(last + 1))
	b.WriteString("}")
	return b.Bytes(), last, id, name
}

// itemsOpenAPI is the description of the one operation of the body row.
const itemsOpenAPI = `openapi: 3.0.3
info:
  title: weft bench items
  version: 1.0.0
servers:
- url: http://127.0.0.1:1
paths:
  /items:
    get:
      operationId: getItems
      responses:
        "200":
          description: the items
          content:
            application/json:
              schema:
                type: object
`

// itemsWorkflow is the body row's workflow for the last item's index and
// id: a JSONPath filter criterion that must scan every item, and an output
// JSON pointer.
func itemsWorkflow(last int, id string) string {
	return fmt.Sprintf(`arazzo: 1.0.1
info:
  title: weft bench body
  version: 1.0.0
sourceDescriptions:
- name: items
  url: ./items.openapi.yaml
  type: openapi
workflows:
- workflowId: body
  steps:
  - stepId: getItems
    operationId: getItems
    successCriteria:
    - condition: $statusCode == 200
    - context: $response.body
      type: jsonpath
      condition: $.items[?(@.id == '%s')]
    outputs:
      name: $response.body#/items/%d/name
  outputs:
    name: $steps.getItems.outputs.name
`, id, last)
}

// sizeLabel is 1 KB, 100 KB, 10 MB...
func sizeLabel(n int) string {
	switch {
	case n >= 1_000_000:
		return strconv.FormatFloat(float64(n)/1e6, 'g', 4, 64) + " MB"
	case n >= 1_000:
		return strconv.FormatFloat(float64(n)/1e3, 'g', 4, 64) + " KB"
	}
	return strconv.Itoa(n) + " B"
}

// rowBodies is row 5: one step reading a large JSON response (a JSONPath
// filter criterion and an output pointer), weft run vs the plain program
// doing the same with encoding/json, whole processes, per body size.
func rowBodies(ctx context.Context, c *Config) ([]Line, error) {
	weft, err := c.bin("weft")
	if err != nil {
		return nil, err
	}
	plain, err := c.bin("plain")
	if err != nil {
		return nil, err
	}
	sizes := c.Sizes
	if len(sizes) == 0 {
		sizes = DefaultSizes
	}
	tmp, err := os.MkdirTemp("", "weftbench-body-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "items.openapi.yaml"), []byte(itemsOpenAPI), 0o644); err != nil {
		return nil, err
	}
	var mu sync.Mutex // bodies is written between runs, read by the server
	bodies := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b, ok := bodies[r.URL.Path]
		mu.Unlock()
		if !ok || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
	}))
	defer srv.Close()

	var lines []Line
	var base [2]float64 // median peak RSS at the smallest size, MiB
	smallest := sizes[0]
	for _, s := range sizes[1:] {
		smallest = min(smallest, s)
	}
	for _, size := range sizes {
		body, last, id, name := itemsBody(size)
		prefix := "/s" + strconv.Itoa(size)
		mu.Lock()
		bodies[prefix+"/items"] = body
		mu.Unlock()
		doc := filepath.Join(tmp, "body"+strconv.Itoa(size)+".arazzo.yaml")
		if err := os.WriteFile(doc, []byte(itemsWorkflow(last, id)), 0o644); err != nil {
			return nil, err
		}
		want := strconv.Quote(name)
		weftCmd := Command{Path: weft, Args: []string{"run", doc, "--server", "items=" + srv.URL + prefix}}
		plainCmd := Command{Path: plain, Args: []string{"body", "-url", srv.URL + prefix + "/items", "-index", strconv.Itoa(last), "-id", id}}
		run := func(cmd Command) (Proc, error) {
			p, err := c.run(ctx, cmd)
			if err == nil && !bytes.Contains(p.Stdout, []byte(want)) {
				err = fmt.Errorf("%s printed no output %s:\n%s", filepath.Base(cmd.Path), want, tail(p.Stdout, 1000))
			}
			return p, err
		}
		s, err := compare(ctx, c, run, func() Command { return weftCmd }, func() Command { return plainCmd })
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sizeLabel(size), err)
		}
		l := sizeLabel(size) + ": "
		lines = append(lines,
			Line{Row: "bodies", Measure: l + "wall, weft / plain", Unit: "x", Stats: Summarize(ratios(s.wall[0], s.wall[1]))},
			Line{Row: "bodies", Measure: l + "CPU, weft / plain", Unit: "x", Stats: Summarize(ratios(s.cpu[0], s.cpu[1]))})
		if size == smallest {
			base = [2]float64{Summarize(s.rss[0]).Median, Summarize(s.rss[1]).Median}
		}
		if size < 1_000_000 {
			lines = append(lines,
				Line{Row: "bodies", Measure: l + "peak RSS, weft", Unit: "MiB", Stats: Summarize(s.rss[0])},
				Line{Row: "bodies", Measure: l + "peak RSS, plain", Unit: "MiB", Stats: Summarize(s.rss[1])})
			continue
		}
		goal := ""
		if size >= 10_000_000 {
			goal = "≤ 4"
		}
		mb := mib(int64(len(body)))
		for i, who := range []string{"weft", "plain"} {
			per := make([]float64, len(s.rss[i]))
			extra := make([]float64, len(s.rss[i]))
			for k, v := range s.rss[i] {
				per[k] = v / mb
				extra[k] = (v - base[i]) / mb
			}
			g := ""
			if who == "weft" {
				g = goal
			}
			lines = append(lines, Line{Row: "bodies", Measure: l + "peak RSS / body, " + who, Unit: "x body", Stats: Summarize(per), Goal: g})
			if size != smallest {
				lines = append(lines, Line{Row: "bodies", Measure: l + "(peak RSS - at " + sizeLabel(smallest) + ") / body, " + who, Unit: "x body", Stats: Summarize(extra)})
			}
		}
	}
	return lines, nil
}
