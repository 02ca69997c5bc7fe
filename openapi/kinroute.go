package openapi

import (
	"context"
	"sync"

	"github.com/getkin/kin-openapi/routers"
)

// The schema layer. An operation's kin-openapi route (its responses with
// their schemas, for ValidateResponse) is loaded the first time something
// asks for it, never by binding a request. The operations registered
// together by WillValidate share one load: one minimal document holding all
// of them and every component they reach, decoded and converted once. An
// operation not registered is loaded alone.

// kinGroup is a set of operations of one description loaded into
// kin-openapi together.
type kinGroup struct {
	ops []*Operation

	mu     sync.Mutex
	done   bool // loaded (not set for a cancelled load)
	routes map[*Operation]*routers.Route
	err    error
}

// WillValidate tells the description that the responses of ops will be
// validated (ValidateResponse): the first validation of any of them loads
// the schemas of all of them at once, in one kin-openapi load, instead of
// one load per operation. It loads nothing itself and costs nothing when no
// response is validated. Operations of other descriptions, and those
// already loaded or registered, are ignored; operations registered after a
// group was loaded form a new group. Safe for concurrent use.
func (d *Description) WillValidate(ops ...*Operation) {
	if d == nil {
		return
	}
	d.valMu.Lock()
	defer d.valMu.Unlock()
	for _, op := range ops {
		if op == nil || op.Description != d || op.kinDone.Load() || d.groupOf[op] != nil {
			continue
		}
		if d.valGroup == nil {
			d.valGroup = &kinGroup{}
		}
		if d.groupOf == nil {
			d.groupOf = map[*Operation]*kinGroup{}
		}
		d.valGroup.ops = append(d.valGroup.ops, op)
		d.groupOf[op] = d.valGroup
	}
}

// kinRoute returns the operation's kin-openapi route, loading it once (a
// load cut short by ctx is not kept). The error is fatal (a budget, a
// duplicate key, a $ref cycle among what the operation reaches) or says
// why kin-openapi could not load the operation.
func (op *Operation) kinRoute(ctx context.Context) (*routers.Route, error) {
	if op.kinDone.Load() {
		return op.route, op.kinErr
	}
	op.kinMu.Lock()
	defer op.kinMu.Unlock()
	if op.kinDone.Load() {
		return op.route, op.kinErr
	}
	route, err := op.loadRoute(ctx)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	op.route, op.kinErr = route, err
	op.kinDone.Store(true)
	return route, err
}

// loadRoute loads the operation through its group when it has one that
// loads, else alone.
func (op *Operation) loadRoute(ctx context.Context) (*routers.Route, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := op.Description
	d.valMu.Lock()
	g := d.groupOf[op]
	if g != nil && d.valGroup == g {
		d.valGroup = nil // loading: later registrations start a new group
	}
	d.valMu.Unlock()
	if g != nil && len(g.ops) > 1 {
		if routes, err := g.load(ctx); err == nil {
			if r := routes[op]; r != nil {
				return r, nil
			}
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// One of the group kin-openapi cannot load (or a fatal error in
		// what one of them reaches): each is loaded alone, so that every
		// operation gets its own answer.
	}
	routes, err := loadKin(ctx, []*Operation{op})
	if err != nil {
		return nil, err
	}
	return routes[0], nil
}

// load loads the group's operations once.
func (g *kinGroup) load(ctx context.Context) (map[*Operation]*routers.Route, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return g.routes, g.err
	}
	routes, err := loadKin(ctx, g.ops)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	g.done, g.err = true, err
	if err == nil {
		g.routes = make(map[*Operation]*routers.Route, len(g.ops))
		for i, op := range g.ops {
			g.routes[op] = routes[i]
		}
	}
	return g.routes, g.err
}
