// Command kinload is the baseline of weft's time-to-first-request
// benchmark: it loads an OpenAPI description fully with kin-openapi
// (openapi3.NewLoader().LoadFromFile, external references allowed), then
// sends one GET to URL, so that the driver measures it exactly as it
// measures weft: from process start to the first request arriving.
//
//	kinload FILE URL
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: kinload FILE URL")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "kinload:", err)
		os.Exit(1)
	}
}

func run(file, url string) error {
	l := openapi3.NewLoader()
	l.IsExternalRefsAllowed = true
	doc, err := l.LoadFromFile(file)
	if err != nil {
		return err
	}
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Printf("%d paths, status %d\n", doc.Paths.Len(), resp.StatusCode)
	return nil
}
