package hookdeckfake

import (
	"crypto/rand"
	"math/big"
	"strings"
	"time"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// Id prefixes, as the real API uses them (int_ is a guess).
const (
	prefixSource         = "src_"
	prefixIntegration    = "int_"
	prefixConnection     = "web_"
	prefixDestination    = "des_"
	prefixTransformation = "trs_"
	prefixTeam           = "tm_"
	prefixExecution      = "exc_"
)

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomToken returns n characters of idAlphabet from crypto/rand.
func randomToken(n int, alphabet string) string {
	var b strings.Builder
	max := big.NewInt(int64(len(alphabet)))
	for i := 0; i < n; i++ {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			// crypto/rand does not fail on supported platforms; fall back to
			// a fixed character rather than panicking.
			b.WriteByte(alphabet[0])
			continue
		}
		b.WriteByte(alphabet[v.Int64()])
	}
	return b.String()
}

func newID(prefix string) string { return prefix + randomToken(16, idAlphabet) }

// timeFormat is RFC 3339 with milliseconds, as the API writes timestamps.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func fmtTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

type sourceRec struct {
	id, name, typ string
	description   any
	config        map[string]any
	urlToken      string
	integrationID string
	disabledAt    *time.Time
	created       time.Time
	updated       time.Time
}

type integrationRec struct {
	id, label, provider string
	features            []any
	configs             map[string]any
	sources             []string
	created, updated    time.Time
}

type destinationRec struct {
	id, name, typ    string
	description      any
	config           map[string]any
	disabledAt       *time.Time
	created, updated time.Time
}

type connectionRec struct {
	id                   string
	name                 any
	description          any
	sourceID, destID     string
	rules                []any
	disabledAt, pausedAt *time.Time
	created, updated     time.Time
}

type transformationRec struct {
	id, name, code   string
	env              map[string]any
	created, updated time.Time
}

// store holds every resource. Its methods run with Server.mu held.
type store struct {
	now    func() time.Time
	teamID string

	sources         map[string]*sourceRec
	integrations    map[string]*integrationRec
	destinations    map[string]*destinationRec
	connections     map[string]*connectionRec
	transformations map[string]*transformationRec
	// order keeps creation order per kind, for listing.
	order map[string][]string
}

func newStore(now func() time.Time) *store {
	return &store{
		now:             now,
		teamID:          newID(prefixTeam),
		sources:         map[string]*sourceRec{},
		integrations:    map[string]*integrationRec{},
		destinations:    map[string]*destinationRec{},
		connections:     map[string]*connectionRec{},
		transformations: map[string]*transformationRec{},
		order:           map[string][]string{},
	}
}

func (st *store) remember(kind, id string) { st.order[kind] = append(st.order[kind], id) }

func (st *store) forget(kind, id string) {
	ids := st.order[kind]
	for i, v := range ids {
		if v == id {
			st.order[kind] = append(ids[:i:i], ids[i+1:]...)
			return
		}
	}
}

// newestFirst lists ids of a kind, most recently created first (the API's
// default order).
func (st *store) newestFirst(kind string) []string {
	ids := st.order[kind]
	out := make([]string, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		out = append(out, ids[i])
	}
	return out
}

func (st *store) sourceByName(name string) *sourceRec {
	for _, s := range st.sources {
		if s.name == name {
			return s
		}
	}
	return nil
}

func (st *store) destinationByName(name string) *destinationRec {
	for _, d := range st.destinations {
		if d.name == name {
			return d
		}
	}
	return nil
}

func (st *store) transformationByName(name string) *transformationRec {
	for _, t := range st.transformations {
		if t.name == name {
			return t
		}
	}
	return nil
}

// connectionByName finds the connection with this name on this source.
func (st *store) connectionByName(name, sourceID string) *connectionRec {
	for _, c := range st.connections {
		if n, ok := c.name.(string); ok && n == name && c.sourceID == sourceID {
			return c
		}
	}
	return nil
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return jsonvalue.Copy(m).(map[string]any)
}

func (st *store) sourceJSON(s *sourceRec, includeAuth bool) map[string]any {
	cfg := copyMap(s.config)
	if _, ok := cfg["allowed_http_methods"]; !ok {
		cfg["allowed_http_methods"] = []any{"POST", "PUT", "PATCH", "DELETE"}
	}
	if _, ok := cfg["custom_response"]; !ok {
		cfg["custom_response"] = nil
	}
	if it := st.integrations[s.integrationID]; it != nil {
		cfg["auth_type"] = it.provider
		cfg["auth"] = copyMap(it.configs)
	}
	if _, ok := cfg["auth_type"]; !ok {
		cfg["auth_type"] = nil
	}
	authenticated := cfg["auth_type"] != nil && cfg["auth_type"] != ""
	if !includeAuth {
		delete(cfg, "auth")
	}
	return map[string]any{
		"id":            s.id,
		"name":          s.name,
		"description":   s.description,
		"team_id":       st.teamID,
		"url":           "https://hkdk.events/" + s.urlToken,
		"type":          s.typ,
		"authenticated": authenticated,
		"config":        cfg,
		"disabled_at":   fmtTimePtr(s.disabledAt),
		"updated_at":    fmtTime(s.updated),
		"created_at":    fmtTime(s.created),
	}
}

func (st *store) integrationJSON(it *integrationRec) map[string]any {
	sources := make([]any, 0, len(it.sources))
	for _, id := range it.sources {
		sources = append(sources, id)
	}
	features := it.features
	if features == nil {
		features = []any{}
	}
	return map[string]any{
		"id":         it.id,
		"team_id":    st.teamID,
		"label":      it.label,
		"provider":   it.provider,
		"features":   jsonvalue.Copy(features),
		"configs":    copyMap(it.configs),
		"sources":    sources,
		"updated_at": fmtTime(it.updated),
		"created_at": fmtTime(it.created),
	}
}

func (st *store) destinationJSON(d *destinationRec) map[string]any {
	return map[string]any{
		"id":          d.id,
		"name":        d.name,
		"description": d.description,
		"team_id":     st.teamID,
		"type":        d.typ,
		"config":      copyMap(d.config),
		"disabled_at": fmtTimePtr(d.disabledAt),
		"updated_at":  fmtTime(d.updated),
		"created_at":  fmtTime(d.created),
	}
}

func (st *store) connectionJSON(c *connectionRec, idFields bool) map[string]any {
	var src, dst any
	srcName, dstName := "", ""
	if s := st.sources[c.sourceID]; s != nil {
		src = st.sourceJSON(s, false)
		srcName = s.name
	}
	if d := st.destinations[c.destID]; d != nil {
		dst = st.destinationJSON(d)
		dstName = d.name
	}
	var fullName any
	if n, ok := c.name.(string); ok {
		fullName = srcName + " -> " + n + " -> " + dstName
	}
	rules := c.rules
	if rules == nil {
		rules = []any{}
	}
	out := map[string]any{
		"id":          c.id,
		"name":        c.name,
		"full_name":   fullName,
		"description": c.description,
		"team_id":     st.teamID,
		"source":      src,
		"destination": dst,
		"rules":       jsonvalue.Copy(rules),
		"disabled_at": fmtTimePtr(c.disabledAt),
		"paused_at":   fmtTimePtr(c.pausedAt),
		"updated_at":  fmtTime(c.updated),
		"created_at":  fmtTime(c.created),
	}
	if idFields {
		out["source_id"] = c.sourceID
		out["destination_id"] = c.destID
	}
	return out
}

func (st *store) transformationJSON(t *transformationRec) map[string]any {
	var env any
	if t.env != nil {
		env = copyMap(t.env)
	}
	return map[string]any{
		"id":         t.id,
		"team_id":    st.teamID,
		"name":       t.name,
		"code":       t.code,
		"env":        env,
		"updated_at": fmtTime(t.updated),
		"created_at": fmtTime(t.created),
	}
}

// page wraps models in the API's paginated envelope.
func page(models []any) map[string]any {
	if models == nil {
		models = []any{}
	}
	return map[string]any{
		"pagination": map[string]any{"order_by": "created_at", "dir": "desc", "limit": 100},
		"count":      len(models),
		"models":     models,
	}
}
