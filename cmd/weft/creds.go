package main

import (
	"sort"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/openapi"
)

// defaultCredentials returns the credentials provider weft run uses: the
// environment-variable provider of package openapi.
func defaultCredentials() openapi.Credentials {
	return openapi.EnvCredentials{}
}

// envVar is an environment variable the provider reads, with the source
// description it is for.
type envVar struct {
	Name, Source string
}

// envVarNames lists the environment variables the default provider reads
// for the OpenAPI sources of doc and of the Arazzo documents it
// references, sorted by name, without duplicates.
func envVarNames(doc *arazzo.Document) []envVar {
	seen := map[string]bool{}
	var out []envVar
	forEachSource(doc, func(sd *arazzo.SourceDescription) {
		if sd.OpenAPI == nil {
			return
		}
		for _, n := range openapi.EnvVarNames(sd.Name, sd.OpenAPI) {
			if !seen[n] {
				seen[n] = true
				out = append(out, envVar{Name: n, Source: sd.Name})
			}
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
