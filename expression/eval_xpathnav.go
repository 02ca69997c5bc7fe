package expression

import "github.com/antchfx/xpath"

// meteredNav is an XPath navigator that charges its meter for every move
// and for the text it reads, so that an XPath evaluation stops (by the
// meter's abort panic, recovered by meter.run) past its budget or when its
// context is done. antchfx/xpath itself has neither.
type meteredNav struct {
	xpath.NodeNavigator
	m *meter
}

func (n *meteredNav) Copy() xpath.NodeNavigator {
	n.m.charge(1)
	return &meteredNav{NodeNavigator: n.NodeNavigator.Copy(), m: n.m}
}

func (n *meteredNav) Value() string {
	v := n.NodeNavigator.Value()
	n.m.charge(1 + len(v)/64)
	return v
}

func (n *meteredNav) MoveToRoot() {
	n.m.charge(1)
	n.NodeNavigator.MoveToRoot()
}

func (n *meteredNav) MoveToParent() bool {
	n.m.charge(1)
	return n.NodeNavigator.MoveToParent()
}

func (n *meteredNav) MoveToNextAttribute() bool {
	n.m.charge(1)
	return n.NodeNavigator.MoveToNextAttribute()
}

func (n *meteredNav) MoveToChild() bool {
	n.m.charge(1)
	return n.NodeNavigator.MoveToChild()
}

func (n *meteredNav) MoveToFirst() bool {
	n.m.charge(1)
	return n.NodeNavigator.MoveToFirst()
}

func (n *meteredNav) MoveToNext() bool {
	n.m.charge(1)
	return n.NodeNavigator.MoveToNext()
}

func (n *meteredNav) MoveToPrevious() bool {
	n.m.charge(1)
	return n.NodeNavigator.MoveToPrevious()
}

func (n *meteredNav) MoveTo(other xpath.NodeNavigator) bool {
	n.m.charge(1)
	if o, ok := other.(*meteredNav); ok {
		other = o.NodeNavigator
	}
	return n.NodeNavigator.MoveTo(other)
}
