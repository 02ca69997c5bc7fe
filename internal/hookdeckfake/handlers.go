package hookdeckfake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// request is what an operation handler sees: path parameters, query and
// the decoded JSON body (nil when there is none or it is not an object).
type request struct {
	params map[string]string
	query  url.Values
	body   map[string]any
}

// opHandler answers one operation with a status and a JSON value, or an
// *apiError. It runs with Server.mu held.
type opHandler func(s *Server, r *request) (int, any)

func operationHandlers() map[string]opHandler {
	return map[string]opHandler{
		"getSources":    (*Server).getSources,
		"createSource":  (*Server).createSource,
		"upsertSource":  (*Server).upsertSource,
		"countSources":  (*Server).countSources,
		"getSource":     (*Server).getSource,
		"updateSource":  (*Server).updateSource,
		"deleteSource":  (*Server).deleteSource,
		"disableSource": (*Server).disableSource,
		"enableSource":  (*Server).enableSource,

		"getIntegrations":           (*Server).getIntegrations,
		"createIntegration":         (*Server).createIntegration,
		"getIntegration":            (*Server).getIntegration,
		"updateIntegration":         (*Server).updateIntegration,
		"deleteIntegration":         (*Server).deleteIntegration,
		"attachIntegrationToSource": (*Server).attachIntegration,
		"detachIntegrationToSource": (*Server).detachIntegration,

		"getConnections":    (*Server).getConnections,
		"createConnection":  (*Server).createConnection,
		"upsertConnection":  (*Server).upsertConnection,
		"getConnection":     (*Server).getConnection,
		"updateConnection":  (*Server).updateConnection,
		"deleteConnection":  (*Server).deleteConnection,
		"disableConnection": (*Server).disableConnection,
		"enableConnection":  (*Server).enableConnection,
		"pauseConnection":   (*Server).pauseConnection,
		"unpauseConnection": (*Server).unpauseConnection,

		"getDestinations":    (*Server).getDestinations,
		"createDestination":  (*Server).createDestination,
		"upsertDestination":  (*Server).upsertDestination,
		"getDestination":     (*Server).getDestination,
		"updateDestination":  (*Server).updateDestination,
		"deleteDestination":  (*Server).deleteDestination,
		"disableDestination": (*Server).disableDestination,
		"enableDestination":  (*Server).enableDestination,

		"getTransformations":   (*Server).getTransformations,
		"createTransformation": (*Server).createTransformation,
		"upsertTransformation": (*Server).upsertTransformation,
		"getTransformation":    (*Server).getTransformation,
		"updateTransformation": (*Server).updateTransformation,
		"deleteTransformation": (*Server).deleteTransformation,
		"testTransformation":   (*Server).testTransformation,
	}
}

// ---- helpers

func notFound(kind, id string) (int, any) {
	return http.StatusNotFound, newError(http.StatusNotFound, fmt.Sprintf("%s %q not found", kind, id), nil)
}

func unprocessable(msg string) (int, any) {
	return http.StatusUnprocessableEntity, newError(http.StatusUnprocessableEntity, msg, []string{msg})
}

// has reports whether key is present in the body with a non-null value.
func has(body map[string]any, key string) bool {
	v, ok := body[key]
	return ok && v != nil
}

func str(body map[string]any, key string) string {
	s, _ := body[key].(string)
	return s
}

func obj(body map[string]any, key string) map[string]any {
	m, _ := body[key].(map[string]any)
	return m
}

func boolQuery(q url.Values, key string) (val, set bool) {
	v := q.Get(key)
	if v == "" {
		return false, false
	}
	return v == "true" || v == "1", true
}

func (s *Server) stamp() time.Time { return s.now() }

// ---- sources

func (s *Server) getSources(r *request) (int, any) {
	disabled, _ := boolQuery(r.query, "disabled")
	var models []any
	for _, id := range s.st.newestFirst("source") {
		src := s.st.sources[id]
		if q := r.query.Get("id"); q != "" && q != src.id {
			continue
		}
		if q := r.query.Get("name"); q != "" && q != src.name {
			continue
		}
		if q := r.query.Get("type"); q != "" && q != src.typ {
			continue
		}
		if src.disabledAt != nil && !disabled {
			continue
		}
		models = append(models, s.st.sourceJSON(src, false))
	}
	return http.StatusOK, page(models)
}

// newSource validates and builds a source from a create body; it does not
// store it.
func (s *Server) newSource(body map[string]any) (*sourceRec, *apiError) {
	name := str(body, "name")
	if s.st.sourceByName(name) != nil {
		return nil, newError(http.StatusUnprocessableEntity, fmt.Sprintf("A source named %q already exists", name), []string{"name must be unique"})
	}
	typ := str(body, "type")
	if typ == "" {
		typ = "WEBHOOK"
	}
	now := s.stamp()
	return &sourceRec{
		id:          newID(prefixSource),
		name:        name,
		typ:         typ,
		description: body["description"],
		config:      copyMap(obj(body, "config")),
		urlToken:    randomToken(22, "abcdefghijklmnopqrstuvwxyz0123456789"),
		created:     now,
		updated:     now,
	}, nil
}

func (s *Server) addSource(src *sourceRec) {
	s.st.sources[src.id] = src
	s.st.remember("source", src.id)
}

func (s *Server) createSource(r *request) (int, any) {
	src, e := s.newSource(r.body)
	if e != nil {
		return e.Status, e
	}
	s.addSource(src)
	return http.StatusOK, s.st.sourceJSON(src, false)
}

func (s *Server) applySourceUpdate(src *sourceRec, body map[string]any) *apiError {
	if has(body, "name") {
		name := str(body, "name")
		if other := s.st.sourceByName(name); other != nil && other != src {
			return newError(http.StatusUnprocessableEntity, fmt.Sprintf("A source named %q already exists", name), []string{"name must be unique"})
		}
		src.name = name
	}
	if has(body, "type") {
		src.typ = str(body, "type")
	}
	if _, ok := body["description"]; ok {
		src.description = body["description"]
	}
	if has(body, "config") {
		src.config = copyMap(obj(body, "config"))
	}
	src.updated = s.stamp()
	return nil
}

func (s *Server) upsertSource(r *request) (int, any) {
	if src := s.st.sourceByName(str(r.body, "name")); src != nil {
		if e := s.applySourceUpdate(src, r.body); e != nil {
			return e.Status, e
		}
		return http.StatusOK, s.st.sourceJSON(src, false)
	}
	return s.createSource(r)
}

func (s *Server) countSources(*request) (int, any) {
	return http.StatusOK, map[string]any{"count": len(s.st.sources)}
}

func (s *Server) getSource(r *request) (int, any) {
	src := s.st.sources[r.params["id"]]
	if src == nil {
		return notFound("Source", r.params["id"])
	}
	return http.StatusOK, s.st.sourceJSON(src, r.query.Get("include") == "config.auth")
}

func (s *Server) updateSource(r *request) (int, any) {
	src := s.st.sources[r.params["id"]]
	if src == nil {
		return notFound("Source", r.params["id"])
	}
	if e := s.applySourceUpdate(src, r.body); e != nil {
		return e.Status, e
	}
	return http.StatusOK, s.st.sourceJSON(src, false)
}

func (s *Server) removeSource(src *sourceRec) {
	if it := s.st.integrations[src.integrationID]; it != nil {
		it.sources = slices.DeleteFunc(it.sources, func(id string) bool { return id == src.id })
	}
	for id, c := range s.st.connections {
		if c.sourceID == src.id {
			delete(s.st.connections, id)
			s.st.forget("connection", id)
		}
	}
	delete(s.st.sources, src.id)
	s.st.forget("source", src.id)
}

func (s *Server) deleteSource(r *request) (int, any) {
	src := s.st.sources[r.params["id"]]
	if src == nil {
		return notFound("Source", r.params["id"])
	}
	s.removeSource(src)
	return http.StatusOK, map[string]any{"id": src.id}
}

func (s *Server) disableSource(r *request) (int, any) {
	src := s.st.sources[r.params["id"]]
	if src == nil {
		return notFound("Source", r.params["id"])
	}
	now := s.stamp()
	if src.disabledAt == nil {
		src.disabledAt = &now
	}
	src.updated = now
	for _, c := range s.st.connections {
		if c.sourceID == src.id && c.disabledAt == nil {
			t := now
			c.disabledAt = &t
			c.updated = now
		}
	}
	return http.StatusOK, s.st.sourceJSON(src, false)
}

func (s *Server) enableSource(r *request) (int, any) {
	src := s.st.sources[r.params["id"]]
	if src == nil {
		return notFound("Source", r.params["id"])
	}
	src.disabledAt = nil
	src.updated = s.stamp()
	return http.StatusOK, s.st.sourceJSON(src, false)
}

// ---- integrations

func (s *Server) getIntegrations(r *request) (int, any) {
	var models []any
	for _, id := range s.st.newestFirst("integration") {
		it := s.st.integrations[id]
		if q := r.query.Get("label"); q != "" && q != it.label {
			continue
		}
		if q := r.query.Get("provider"); q != "" && q != it.provider {
			continue
		}
		models = append(models, s.st.integrationJSON(it))
	}
	return http.StatusOK, page(models)
}

func (s *Server) createIntegration(r *request) (int, any) {
	now := s.stamp()
	it := &integrationRec{
		id:       newID(prefixIntegration),
		label:    str(r.body, "label"),
		provider: str(r.body, "provider"),
		configs:  copyMap(obj(r.body, "configs")),
		created:  now,
		updated:  now,
	}
	if f, ok := r.body["features"].([]any); ok {
		it.features = jsonvalue.Copy(f).([]any)
	}
	s.st.integrations[it.id] = it
	s.st.remember("integration", it.id)
	return http.StatusOK, s.st.integrationJSON(it)
}

func (s *Server) getIntegration(r *request) (int, any) {
	it := s.st.integrations[r.params["id"]]
	if it == nil {
		return notFound("Integration", r.params["id"])
	}
	return http.StatusOK, s.st.integrationJSON(it)
}

func (s *Server) updateIntegration(r *request) (int, any) {
	it := s.st.integrations[r.params["id"]]
	if it == nil {
		return notFound("Integration", r.params["id"])
	}
	if has(r.body, "label") {
		it.label = str(r.body, "label")
	}
	if has(r.body, "provider") {
		it.provider = str(r.body, "provider")
	}
	if has(r.body, "configs") {
		it.configs = copyMap(obj(r.body, "configs"))
	}
	if f, ok := r.body["features"].([]any); ok {
		it.features = jsonvalue.Copy(f).([]any)
	}
	it.updated = s.stamp()
	return http.StatusOK, s.st.integrationJSON(it)
}

func (s *Server) deleteIntegration(r *request) (int, any) {
	it := s.st.integrations[r.params["id"]]
	if it == nil {
		return notFound("Integration", r.params["id"])
	}
	for _, sid := range it.sources {
		if src := s.st.sources[sid]; src != nil && src.integrationID == it.id {
			src.integrationID = ""
			src.updated = s.stamp()
		}
	}
	delete(s.st.integrations, it.id)
	s.st.forget("integration", it.id)
	return http.StatusOK, map[string]any{"id": it.id}
}

func (s *Server) attachIntegration(r *request) (int, any) {
	it := s.st.integrations[r.params["id"]]
	if it == nil {
		return notFound("Integration", r.params["id"])
	}
	src := s.st.sources[r.params["source_id"]]
	if src == nil {
		return notFound("Source", r.params["source_id"])
	}
	if s.attachFails {
		return http.StatusOK, map[string]any{"success": false}
	}
	if prev := s.st.integrations[src.integrationID]; prev != nil && prev != it {
		prev.sources = slices.DeleteFunc(prev.sources, func(id string) bool { return id == src.id })
	}
	src.integrationID = it.id
	src.updated = s.stamp()
	if !slices.Contains(it.sources, src.id) {
		it.sources = append(it.sources, src.id)
	}
	return http.StatusOK, map[string]any{"success": true}
}

func (s *Server) detachIntegration(r *request) (int, any) {
	it := s.st.integrations[r.params["id"]]
	if it == nil {
		return notFound("Integration", r.params["id"])
	}
	src := s.st.sources[r.params["source_id"]]
	if src == nil {
		return notFound("Source", r.params["source_id"])
	}
	if src.integrationID == it.id {
		src.integrationID = ""
		src.updated = s.stamp()
	}
	it.sources = slices.DeleteFunc(it.sources, func(id string) bool { return id == src.id })
	return http.StatusOK, map[string]any{}
}

// ---- destinations

func (s *Server) getDestinations(r *request) (int, any) {
	disabled, _ := boolQuery(r.query, "disabled")
	var models []any
	for _, id := range s.st.newestFirst("destination") {
		d := s.st.destinations[id]
		if q := r.query.Get("id"); q != "" && q != d.id {
			continue
		}
		if q := r.query.Get("name"); q != "" && q != d.name {
			continue
		}
		if q := r.query.Get("type"); q != "" && q != d.typ {
			continue
		}
		if d.disabledAt != nil && !disabled {
			continue
		}
		models = append(models, s.st.destinationJSON(d))
	}
	return http.StatusOK, page(models)
}

// destinationConfig checks a destination's config for its type and fills
// the defaults the API reports.
func destinationConfig(typ string, in map[string]any) (map[string]any, *apiError) {
	cfg := copyMap(in)
	switch typ {
	case "HTTP":
		raw, _ := cfg["url"].(string)
		if raw == "" {
			return nil, newError(http.StatusUnprocessableEntity, "config.url is required for an HTTP destination", []string{"config.url is required"})
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, newError(http.StatusUnprocessableEntity, "config.url must be an absolute http or https URL", []string{"config.url must be a valid URL"})
		}
	case "CLI":
		if _, ok := cfg["path"]; !ok {
			cfg["path"] = "/"
		}
	}
	if typ == "HTTP" || typ == "MOCK_API" {
		for k, v := range map[string]any{
			"rate_limit": nil, "rate_limit_period": nil, "path_forwarding_disabled": false,
			"http_method": nil, "auth_type": "HOOKDECK_SIGNATURE", "auth": map[string]any{},
		} {
			if _, ok := cfg[k]; !ok {
				cfg[k] = v
			}
		}
	}
	return cfg, nil
}

func (s *Server) newDestination(body map[string]any) (*destinationRec, *apiError) {
	name := str(body, "name")
	if s.st.destinationByName(name) != nil {
		return nil, newError(http.StatusUnprocessableEntity, fmt.Sprintf("A destination named %q already exists", name), []string{"name must be unique"})
	}
	typ := str(body, "type")
	if typ == "" {
		typ = "HTTP"
	}
	cfg, e := destinationConfig(typ, obj(body, "config"))
	if e != nil {
		return nil, e
	}
	now := s.stamp()
	return &destinationRec{
		id:          newID(prefixDestination),
		name:        name,
		typ:         typ,
		description: body["description"],
		config:      cfg,
		created:     now,
		updated:     now,
	}, nil
}

func (s *Server) addDestination(d *destinationRec) {
	s.st.destinations[d.id] = d
	s.st.remember("destination", d.id)
}

func (s *Server) createDestination(r *request) (int, any) {
	d, e := s.newDestination(r.body)
	if e != nil {
		return e.Status, e
	}
	s.addDestination(d)
	return http.StatusOK, s.st.destinationJSON(d)
}

func (s *Server) applyDestinationUpdate(d *destinationRec, body map[string]any) *apiError {
	if has(body, "name") {
		name := str(body, "name")
		if other := s.st.destinationByName(name); other != nil && other != d {
			return newError(http.StatusUnprocessableEntity, fmt.Sprintf("A destination named %q already exists", name), []string{"name must be unique"})
		}
	}
	typ := d.typ
	if has(body, "type") {
		typ = str(body, "type")
	}
	cfg := d.config
	if has(body, "config") || typ != d.typ {
		merged := copyMap(d.config)
		for k, v := range obj(body, "config") {
			merged[k] = jsonvalue.Copy(v)
		}
		c, e := destinationConfig(typ, merged)
		if e != nil {
			return e
		}
		cfg = c
	}
	if has(body, "name") {
		d.name = str(body, "name")
	}
	if _, ok := body["description"]; ok {
		d.description = body["description"]
	}
	d.typ, d.config, d.updated = typ, cfg, s.stamp()
	return nil
}

func (s *Server) upsertDestination(r *request) (int, any) {
	if d := s.st.destinationByName(str(r.body, "name")); d != nil {
		if e := s.applyDestinationUpdate(d, r.body); e != nil {
			return e.Status, e
		}
		return http.StatusOK, s.st.destinationJSON(d)
	}
	return s.createDestination(r)
}

func (s *Server) getDestination(r *request) (int, any) {
	d := s.st.destinations[r.params["id"]]
	if d == nil {
		return notFound("Destination", r.params["id"])
	}
	return http.StatusOK, s.st.destinationJSON(d)
}

func (s *Server) updateDestination(r *request) (int, any) {
	d := s.st.destinations[r.params["id"]]
	if d == nil {
		return notFound("Destination", r.params["id"])
	}
	if e := s.applyDestinationUpdate(d, r.body); e != nil {
		return e.Status, e
	}
	return http.StatusOK, s.st.destinationJSON(d)
}

func (s *Server) deleteDestination(r *request) (int, any) {
	d := s.st.destinations[r.params["id"]]
	if d == nil {
		return notFound("Destination", r.params["id"])
	}
	for id, c := range s.st.connections {
		if c.destID == d.id {
			delete(s.st.connections, id)
			s.st.forget("connection", id)
		}
	}
	delete(s.st.destinations, d.id)
	s.st.forget("destination", d.id)
	return http.StatusOK, map[string]any{"id": d.id}
}

func (s *Server) disableDestination(r *request) (int, any) {
	d := s.st.destinations[r.params["id"]]
	if d == nil {
		return notFound("Destination", r.params["id"])
	}
	now := s.stamp()
	if d.disabledAt == nil {
		d.disabledAt = &now
	}
	d.updated = now
	return http.StatusOK, s.st.destinationJSON(d)
}

func (s *Server) enableDestination(r *request) (int, any) {
	d := s.st.destinations[r.params["id"]]
	if d == nil {
		return notFound("Destination", r.params["id"])
	}
	d.disabledAt = nil
	d.updated = s.stamp()
	return http.StatusOK, s.st.destinationJSON(d)
}

// ---- connections

func (s *Server) getConnections(r *request) (int, any) {
	disabled, _ := boolQuery(r.query, "disabled")
	paused, pausedSet := boolQuery(r.query, "paused")
	var models []any
	for _, id := range s.st.newestFirst("connection") {
		c := s.st.connections[id]
		if q := r.query.Get("id"); q != "" && q != c.id {
			continue
		}
		if q := r.query.Get("name"); q != "" && q != c.name {
			continue
		}
		if q := r.query.Get("source_id"); q != "" && q != c.sourceID {
			continue
		}
		if q := r.query.Get("destination_id"); q != "" && q != c.destID {
			continue
		}
		if c.disabledAt != nil && !disabled {
			continue
		}
		if pausedSet && paused != (c.pausedAt != nil) {
			continue
		}
		models = append(models, s.st.connectionJSON(c, s.connIDFields))
	}
	return http.StatusOK, page(models)
}

// endpoints resolves the source and destination of a connection body:
// either existing ids or inline objects (reused by name when one exists,
// otherwise built but not yet stored).
type endpoints struct {
	src    *sourceRec
	newSrc bool
	dst    *destinationRec
	newDst bool
}

func (s *Server) resolveEndpoints(body map[string]any) (*endpoints, *apiError) {
	var ep endpoints
	switch {
	case has(body, "source_id") && has(body, "source"):
		return nil, newError(http.StatusUnprocessableEntity, "Give either source_id or source, not both", []string{"source_id and source are mutually exclusive"})
	case has(body, "source_id"):
		id := str(body, "source_id")
		if ep.src = s.st.sources[id]; ep.src == nil {
			return nil, newError(http.StatusUnprocessableEntity, fmt.Sprintf("Source %q not found", id), []string{"source_id must reference an existing source"})
		}
	case has(body, "source"):
		in := obj(body, "source")
		if ep.src = s.st.sourceByName(str(in, "name")); ep.src == nil {
			src, e := s.newSource(in)
			if e != nil {
				return nil, e
			}
			ep.src, ep.newSrc = src, true
		}
	default:
		return nil, newError(http.StatusUnprocessableEntity, "source_id or source is required", []string{"source_id or source is required"})
	}
	switch {
	case has(body, "destination_id") && has(body, "destination"):
		return nil, newError(http.StatusUnprocessableEntity, "Give either destination_id or destination, not both", []string{"destination_id and destination are mutually exclusive"})
	case has(body, "destination_id"):
		id := str(body, "destination_id")
		if ep.dst = s.st.destinations[id]; ep.dst == nil {
			return nil, newError(http.StatusUnprocessableEntity, fmt.Sprintf("Destination %q not found", id), []string{"destination_id must reference an existing destination"})
		}
	case has(body, "destination"):
		in := obj(body, "destination")
		if ep.dst = s.st.destinationByName(str(in, "name")); ep.dst == nil {
			d, e := s.newDestination(in)
			if e != nil {
				return nil, e
			}
			ep.dst, ep.newDst = d, true
		}
	default:
		return nil, newError(http.StatusUnprocessableEntity, "destination_id or destination is required", []string{"destination_id or destination is required"})
	}
	return &ep, nil
}

func (s *Server) insertConnection(body map[string]any, ep *endpoints) (int, any) {
	if name, ok := body["name"].(string); ok && s.st.connectionByName(name, ep.src.id) != nil {
		return unprocessable(fmt.Sprintf("A connection named %q already exists on source %q", name, ep.src.name))
	}
	if ep.newSrc {
		s.addSource(ep.src)
	}
	if ep.newDst {
		s.addDestination(ep.dst)
	}
	now := s.stamp()
	c := &connectionRec{
		id:          newID(prefixConnection),
		name:        body["name"],
		description: body["description"],
		sourceID:    ep.src.id,
		destID:      ep.dst.id,
		created:     now,
		updated:     now,
	}
	if rules, ok := body["rules"].([]any); ok {
		c.rules = jsonvalue.Copy(rules).([]any)
	}
	s.st.connections[c.id] = c
	s.st.remember("connection", c.id)
	return http.StatusOK, s.st.connectionJSON(c, s.connIDFields)
}

func (s *Server) createConnection(r *request) (int, any) {
	ep, e := s.resolveEndpoints(r.body)
	if e != nil {
		return e.Status, e
	}
	return s.insertConnection(r.body, ep)
}

func (s *Server) upsertConnection(r *request) (int, any) {
	name, ok := r.body["name"].(string)
	if !ok || name == "" {
		return unprocessable("name is required to upsert a connection")
	}
	ep, e := s.resolveEndpoints(r.body)
	if e != nil {
		return e.Status, e
	}
	c := s.st.connectionByName(name, ep.src.id)
	if c == nil {
		return s.insertConnection(r.body, ep)
	}
	if c.destID != ep.dst.id {
		return unprocessable("A connection's destination cannot be changed")
	}
	if _, ok := r.body["description"]; ok {
		c.description = r.body["description"]
	}
	if rules, ok := r.body["rules"].([]any); ok {
		c.rules = jsonvalue.Copy(rules).([]any)
	}
	c.updated = s.stamp()
	return http.StatusOK, s.st.connectionJSON(c, s.connIDFields)
}

func (s *Server) connection(r *request) (*connectionRec, int, any) {
	c := s.st.connections[r.params["id"]]
	if c == nil {
		st, body := notFound("Connection", r.params["id"])
		return nil, st, body
	}
	return c, 0, nil
}

func (s *Server) getConnection(r *request) (int, any) {
	c, st, e := s.connection(r)
	if c == nil {
		return st, e
	}
	return http.StatusOK, s.st.connectionJSON(c, s.connIDFields)
}

func (s *Server) updateConnection(r *request) (int, any) {
	c, st, e := s.connection(r)
	if c == nil {
		return st, e
	}
	if name, ok := r.body["name"].(string); ok {
		if other := s.st.connectionByName(name, c.sourceID); other != nil && other != c {
			return unprocessable(fmt.Sprintf("A connection named %q already exists on this source", name))
		}
	}
	if _, ok := r.body["name"]; ok {
		c.name = r.body["name"]
	}
	if _, ok := r.body["description"]; ok {
		c.description = r.body["description"]
	}
	if rules, ok := r.body["rules"].([]any); ok {
		c.rules = jsonvalue.Copy(rules).([]any)
	}
	c.updated = s.stamp()
	return http.StatusOK, s.st.connectionJSON(c, s.connIDFields)
}

func (s *Server) deleteConnection(r *request) (int, any) {
	c, st, e := s.connection(r)
	if c == nil {
		return st, e
	}
	delete(s.st.connections, c.id)
	s.st.forget("connection", c.id)
	return http.StatusOK, map[string]any{"id": c.id}
}

func (s *Server) setConnectionTime(r *request, field func(*connectionRec) **time.Time, set bool) (int, any) {
	c, st, e := s.connection(r)
	if c == nil {
		return st, e
	}
	now := s.stamp()
	p := field(c)
	switch {
	case set && *p == nil:
		*p = &now
	case !set:
		*p = nil
	}
	c.updated = now
	return http.StatusOK, s.st.connectionJSON(c, s.connIDFields)
}

func disabledField(c *connectionRec) **time.Time { return &c.disabledAt }
func pausedField(c *connectionRec) **time.Time   { return &c.pausedAt }

func (s *Server) disableConnection(r *request) (int, any) {
	return s.setConnectionTime(r, disabledField, true)
}

// enableConnection also enables the connection's source and destination,
// as the API documents.
func (s *Server) enableConnection(r *request) (int, any) {
	if c := s.st.connections[r.params["id"]]; c != nil {
		if src := s.st.sources[c.sourceID]; src != nil {
			src.disabledAt = nil
		}
		if d := s.st.destinations[c.destID]; d != nil {
			d.disabledAt = nil
		}
	}
	return s.setConnectionTime(r, disabledField, false)
}

func (s *Server) pauseConnection(r *request) (int, any) {
	return s.setConnectionTime(r, pausedField, true)
}

func (s *Server) unpauseConnection(r *request) (int, any) {
	return s.setConnectionTime(r, pausedField, false)
}

// ---- transformations

func (s *Server) getTransformations(r *request) (int, any) {
	var models []any
	for _, id := range s.st.newestFirst("transformation") {
		t := s.st.transformations[id]
		if q := r.query.Get("id"); q != "" && q != t.id {
			continue
		}
		if q := r.query.Get("name"); q != "" && q != t.name {
			continue
		}
		models = append(models, s.st.transformationJSON(t))
	}
	return http.StatusOK, page(models)
}

func (s *Server) createTransformation(r *request) (int, any) {
	name := str(r.body, "name")
	if s.st.transformationByName(name) != nil {
		return unprocessable(fmt.Sprintf("A transformation named %q already exists", name))
	}
	now := s.stamp()
	t := &transformationRec{
		id:      newID(prefixTransformation),
		name:    name,
		code:    str(r.body, "code"),
		created: now,
		updated: now,
	}
	if env := obj(r.body, "env"); env != nil {
		t.env = copyMap(env)
	}
	s.st.transformations[t.id] = t
	s.st.remember("transformation", t.id)
	return http.StatusOK, s.st.transformationJSON(t)
}

func (s *Server) applyTransformationUpdate(t *transformationRec, body map[string]any) *apiError {
	if has(body, "name") {
		name := str(body, "name")
		if other := s.st.transformationByName(name); other != nil && other != t {
			return newError(http.StatusUnprocessableEntity, fmt.Sprintf("A transformation named %q already exists", name), []string{"name must be unique"})
		}
		t.name = name
	}
	if has(body, "code") {
		t.code = str(body, "code")
	}
	if has(body, "env") {
		t.env = copyMap(obj(body, "env"))
	}
	t.updated = s.stamp()
	return nil
}

func (s *Server) upsertTransformation(r *request) (int, any) {
	if t := s.st.transformationByName(str(r.body, "name")); t != nil {
		if e := s.applyTransformationUpdate(t, r.body); e != nil {
			return e.Status, e
		}
		return http.StatusOK, s.st.transformationJSON(t)
	}
	return s.createTransformation(r)
}

func (s *Server) getTransformation(r *request) (int, any) {
	t := s.st.transformations[r.params["id"]]
	if t == nil {
		return notFound("Transformation", r.params["id"])
	}
	return http.StatusOK, s.st.transformationJSON(t)
}

func (s *Server) updateTransformation(r *request) (int, any) {
	t := s.st.transformations[r.params["id"]]
	if t == nil {
		return notFound("Transformation", r.params["id"])
	}
	if e := s.applyTransformationUpdate(t, r.body); e != nil {
		return e.Status, e
	}
	return http.StatusOK, s.st.transformationJSON(t)
}

func (s *Server) deleteTransformation(r *request) (int, any) {
	t := s.st.transformations[r.params["id"]]
	if t == nil {
		return notFound("Transformation", r.params["id"])
	}
	delete(s.st.transformations, t.id)
	s.st.forget("transformation", t.id)
	return http.StatusOK, map[string]any{"id": t.id}
}

// testTransformation stands in for running the code: see the package
// documentation for the rule it applies.
func (s *Server) testTransformation(r *request) (int, any) {
	code, hasCode := r.body["code"].(string)
	var transformationID any
	if has(r.body, "transformation_id") {
		id := str(r.body, "transformation_id")
		t := s.st.transformations[id]
		if t == nil {
			return unprocessable(fmt.Sprintf("Transformation %q not found", id))
		}
		transformationID = t.id
		if !hasCode {
			code, hasCode = t.code, true
		}
	}
	if !hasCode {
		return unprocessable("code or transformation_id is required")
	}
	in := obj(r.body, "request")
	out := map[string]any{
		"headers":      map[string]any{},
		"path":         "/",
		"query":        nil,
		"parsed_query": nil,
		"body":         nil,
	}
	for k, v := range in {
		out[k] = jsonvalue.Copy(v)
	}
	level, console := "info", []any{}
	switch {
	case !strings.Contains(code, "addHandler("):
		level = "error"
		console = append(console, map[string]any{"type": "error", "message": `no handler: the code must call addHandler("transform", ...)`})
	case strings.Contains(code, "throw "):
		level = "error"
		console = append(console, map[string]any{"type": "error", "message": "the transformation threw an error"})
	}
	if s.forcedRunLevel != "" {
		level = s.forcedRunLevel
	}
	var reqOut any = out
	if level == "error" || level == "fatal" {
		reqOut = nil
	}
	return http.StatusOK, map[string]any{
		"request_id":        nil,
		"transformation_id": transformationID,
		"execution_id":      newID(prefixExecution),
		"log_level":         level,
		"request":           reqOut,
		"console":           console,
	}
}
