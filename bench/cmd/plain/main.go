// Command plain is the baseline of weft's whole-process benchmarks: a plain
// Go program that does by hand, with net/http and encoding/json, what a
// benchmarked workflow does.
//
//	plain reference -url URL -key KEY -source-name NAME -label LABEL -provider P
//	plain body -url URL -index K -id ID
//
// reference makes the four requests of the Hookdeck
// attach-integration-to-source workflow (create a source, create an
// integration, attach it, read the source back) against the API at URL,
// reads the same fields and prints the workflow's outputs.
//
// body fetches URL, decodes the JSON body, reads /items/K/name (the
// workflow's output pointer), checks that some item has id ID (the
// workflow's JSONPath filter criterion, $.items[?(@.id == 'ID')]) and
// prints the name.
//
// It exits 1 when a request fails or an answer is not what the workflow
// requires.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: plain reference|body [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "reference":
		err = reference(os.Args[2:], os.Stdout)
	case "body":
		err = body(os.Args[2:], os.Stdout)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "plain:", err)
		os.Exit(1)
	}
}

// call sends one JSON request and decodes the JSON answer, which must be 200.
func call(method, url, key string, body any) (map[string]any, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("%s %s: %d: %w", method, url, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %d", method, url, resp.StatusCode)
	}
	return out, nil
}

func reference(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("reference", flag.ContinueOnError)
	base := fl.String("url", "", "API base URL")
	key := fl.String("key", "", "API key, sent as a bearer token")
	name := fl.String("source-name", "", "name of the source to create")
	label := fl.String("label", "", "label of the integration")
	provider := fl.String("provider", "HMAC", "integration provider")
	if err := fl.Parse(args); err != nil {
		return err
	}
	src, err := call(http.MethodPost, *base+"/sources", *key, map[string]any{"name": *name, "type": "WEBHOOK"})
	if err != nil {
		return err
	}
	integ, err := call(http.MethodPost, *base+"/integrations", *key, map[string]any{"label": *label, "provider": *provider})
	if err != nil {
		return err
	}
	srcID, _ := src["id"].(string)
	integID, _ := integ["id"].(string)
	if srcID == "" || integID == "" {
		return errors.New("no id in an answer")
	}
	att, err := call(http.MethodPut, *base+"/integrations/"+integID+"/attach/"+srcID, *key, nil)
	if err != nil {
		return err
	}
	if att["success"] != true {
		return errors.New("not attached")
	}
	got, err := call(http.MethodGet, *base+"/sources/"+srcID, *key, nil)
	if err != nil {
		return err
	}
	out, err := json.Marshal(map[string]any{"sourceId": got["id"], "integrationId": integID, "attached": att["success"]})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", out)
	return err
}

func body(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("body", flag.ContinueOnError)
	url := fl.String("url", "", "URL of the JSON document")
	index := fl.Int("index", 0, "index K of the item whose name is read (/items/K/name)")
	id := fl.String("id", "", "id that some item must have")
	if err := fl.Parse(args); err != nil {
		return err
	}
	resp, err := http.Get(*url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", *url, resp.StatusCode)
	}
	var doc any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	// The JSONPath filter $.items[?(@.id == ID)]: at least one match.
	obj, _ := doc.(map[string]any)
	items, _ := obj["items"].([]any)
	found := false
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && m["id"] == *id {
			found = true
		}
	}
	if !found {
		return fmt.Errorf("no item has id %q", *id)
	}
	// The JSON pointer /items/K/name.
	if *index < 0 || *index >= len(items) {
		return fmt.Errorf("no item %d", *index)
	}
	m, _ := items[*index].(map[string]any)
	name, ok := m["name"].(string)
	if !ok {
		return fmt.Errorf("item %d has no name", *index)
	}
	_, err = fmt.Fprintf(stdout, "name = %q\n", name)
	return err
}
