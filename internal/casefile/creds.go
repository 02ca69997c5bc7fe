package casefile

import (
	"github.com/weftflow/weft/openapi"
)

// envCredentials is the default environment-variable credentials provider
// (openapi.EnvCredentials, variables named WEFT_<SOURCE>_<SCHEME>_<PART>)
// reading from env instead of the process environment.
func envCredentials(env map[string]string) openapi.Credentials {
	return openapi.EnvCredentials{Lookup: func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}}
}
