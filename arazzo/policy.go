package arazzo

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Policy is the loader's trust boundary: which locations the documents
// of one Load may make it read, and how much. The zero value is the safe
// default:
//
//   - The entry location is what the caller asked for and is always read
//     (subject to WithSchemes and the size caps).
//   - A document that came from the network (http, https) may name only
//     http and https locations: never a file: URL or a local path, and
//     never a host whose resolved address is not public (loopback,
//     private, link-local, CGNAT, unspecified, multicast, IPv4-mapped
//     IPv6, ULA ...). The address is checked when the connection is
//     dialled, so DNS rebinding and redirects cannot dodge it.
//   - A local document may name local files under the local tree (the
//     directory of the entry document, or LocalRoot) and remote URLs.
//     Paths are resolved and opened inside the tree: ".." and symlinks that
//     lead out of it are refused.
//   - A redirect is a location named by the network: it gets the network
//     rules (a redirect within the same origin keeps the trust of the
//     request it answers).
//   - Every document read counts against MaxDocumentBytes, the whole load
//     (later external $refs included) against MaxTotalBytes, and the
//     number of source documents against MaxSources.
//
// A denied location is reported as a *PolicyError (diagnostic code
// "policy") naming the rule, before any I/O on the target, so the report
// says nothing about whether the target exists.
type Policy struct {
	// AllowHosts, when not empty, lists the only hosts that documents may
	// name: "example.com" (any port), "example.com:8443", "*.example.com"
	// (subdomains), or an IP literal ("127.0.0.1", "127.0.0.1:8080",
	// "[::1]:8080"). An IP literal entry also lets network-named locations
	// reach that address (and port) when it is not public; a host name
	// entry does not (its address must still be public unless
	// AllowPrivate), so a name cannot be rebound to an internal address.
	AllowHosts []string
	// AllowPrivate lets locations named by documents from the network
	// reach non-public addresses.
	AllowPrivate bool
	// AllowLocalOutside lets local documents name local files outside the
	// local tree.
	AllowLocalOutside bool
	// LocalRoot is the local tree: the directory under which local
	// documents may name files ("": the directory of the entry document).
	// A local WithBaseURL directory is part of the tree too. With WithFS
	// the file system itself is the tree.
	LocalRoot string
	// MaxDocumentBytes caps each document read (0: DefaultMaxDocumentSize;
	// negative: no cap).
	MaxDocumentBytes int64
	// MaxTotalBytes caps the bytes read by one Load, external $refs read
	// later when operations are bound included (0: DefaultMaxTotalSize;
	// negative: no cap).
	MaxTotalBytes int64
	// MaxSources caps the number of documents loaded, entry included
	// (0: DefaultMaxSources; negative: no cap).
	MaxSources int
}

// WithPolicy sets the loader policy. It replaces the caps set by earlier
// WithMaxDocumentSize and WithMaxSources options; later ones override it.
func WithPolicy(p Policy) Option {
	return func(c *loadConfig) {
		p.AllowHosts = append([]string(nil), p.AllowHosts...)
		c.policy = p
	}
}

// Policy rules, as reported in PolicyError.Rule.
const (
	// RuleNetworkToLocal: a document from the network named a file: URL
	// or a local path.
	RuleNetworkToLocal = "network-to-local"
	// RuleOutsideTree: a local document named a file outside the local
	// tree (by "..", an absolute path or a symlink).
	RuleOutsideTree = "outside-tree"
	// RuleHost: the host is not in Policy.AllowHosts.
	RuleHost = "host-not-allowed"
	// RulePrivateAddress: a location named by the network resolved to a
	// non-public address.
	RulePrivateAddress = "private-address"
	// RuleScheme: the scheme is not allowed (WithSchemes) or not a
	// scheme the loader reads.
	RuleScheme = "scheme"
	// RuleRedirects: more redirects than the loader follows (10).
	RuleRedirects = "redirects"
)

// PolicyError reports a location the loader policy does not allow. It
// names the rule and the location as written; it never says whether the
// target exists.
type PolicyError struct {
	// Rule is one of the Rule constants.
	Rule string
	// Location is the denied location (redacted URL or path).
	Location string
}

// Error implements the error interface.
func (e *PolicyError) Error() string {
	why := ""
	switch e.Rule {
	case RuleNetworkToLocal:
		why = "a document from the network may not name local files"
	case RuleOutsideTree:
		why = "a local document may not name files outside the local tree"
	case RuleHost:
		why = "the host is not in the allowed hosts"
	case RulePrivateAddress:
		why = "a location named by the network may not reach a non-public address"
	case RuleScheme:
		why = "the scheme is not allowed"
	case RuleRedirects:
		why = "too many redirects"
	}
	return fmt.Sprintf("%s is not allowed by the loader policy (rule %s: %s)", e.Location, e.Rule, why)
}

// Hint says how to allow what e denied.
func (e *PolicyError) hint() string {
	switch e.Rule {
	case RuleNetworkToLocal:
		return "serve the referenced document over http(s) beside the referring one"
	case RuleOutsideTree:
		return "set Policy.LocalRoot or Policy.AllowLocalOutside (weft: --local-root, --allow-local-outside)"
	case RuleHost:
		return "add the host to Policy.AllowHosts (weft: --allow-host)"
	case RulePrivateAddress:
		return "set Policy.AllowPrivate or allow the address in Policy.AllowHosts (weft: --allow-private, --allow-host)"
	case RuleScheme:
		return "allow it with WithSchemes"
	}
	return ""
}

// LimitError reports that a load reached one of its caps.
type LimitError struct {
	// Limit is the Policy field: "MaxDocumentBytes", "MaxTotalBytes" or
	// "MaxSources".
	Limit string
	// Value is the cap.
	Value int64
}

// Error implements the error interface.
func (e *LimitError) Error() string {
	switch e.Limit {
	case "MaxDocumentBytes":
		return fmt.Sprintf("document is larger than the limit of %d bytes (MaxDocumentBytes)", e.Value)
	case "MaxTotalBytes":
		return fmt.Sprintf("the load reached its limit of %d bytes in all (MaxTotalBytes)", e.Value)
	}
	return fmt.Sprintf("too many source documents (limit %d, %s)", e.Value, e.Limit)
}

// Is makes errors.Is(err, errSourceLimit) hold for the source count cap.
func (e *LimitError) Is(target error) bool {
	return target == errSourceLimit && e.Limit == "MaxSources"
}

// nonPublic lists the address ranges that are not public: what a location
// named by the network may not reach unless allowed.
var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network", unspecified
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // CGNAT
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local (cloud metadata)
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // TEST-NET-1
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // TEST-NET-2
		"203.0.113.0/24",  // TEST-NET-3
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, broadcast
		"::/128",          // unspecified
		"::1/128",         // loopback
		"::ffff:0:0/96",   // IPv4-mapped
		"::/96",           // IPv4-compatible (deprecated)
		"64:ff9b::/96",    // NAT64 (reaches IPv4 behind it)
		"64:ff9b:1::/48",  // local-use NAT64
		"100::/64",        // discard
		"2001::/32",       // Teredo
		"2001:db8::/32",   // documentation
		"2001:10::/28",    // ORCHID
		"2002::/16",       // 6to4 (embeds IPv4)
		"fc00::/7",        // unique local
		"fe80::/10",       // link-local
		"fec0::/10",       // site-local (deprecated)
		"ff00::/8",        // multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// publicAddr tells whether a is a public unicast address.
func publicAddr(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.WithZone("")
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// hostRule is one parsed AllowHosts entry.
type hostRule struct {
	name string // lower-case host name or canonical IP; "*.x" for subdomains
	port string // "" for any
	ip   netip.Addr
}

func parseHostRules(entries []string) []hostRule {
	var out []hostRule
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		host, port := e, ""
		if h, p, err := net.SplitHostPort(e); err == nil {
			host, port = h, p
		} else {
			host = strings.TrimSuffix(strings.TrimPrefix(e, "["), "]")
		}
		r := hostRule{name: host, port: port}
		if a, err := netip.ParseAddr(host); err == nil {
			r.ip = a.WithZone("")
			r.name = r.ip.String()
		}
		out = append(out, r)
	}
	return out
}

// urlHostPort returns u's lower-case host (IPs canonical) and port (the
// scheme's default when absent).
func urlHostPort(u *url.URL) (string, string) {
	host := strings.ToLower(u.Hostname())
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.WithZone("").String()
	}
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return host, port
}

// hostAllowed tells whether u's host passes the allow-list (true when the
// list is empty).
func hostAllowed(rules []hostRule, u *url.URL) bool {
	if len(rules) == 0 {
		return true
	}
	host, port := urlHostPort(u)
	for _, r := range rules {
		if r.port != "" && r.port != port {
			continue
		}
		if r.name == host {
			return true
		}
		if suf, ok := strings.CutPrefix(r.name, "*."); ok && strings.HasSuffix(host, "."+suf) {
			return true
		}
	}
	return false
}

// addrAllowed tells whether a dialled address may be reached by a location
// named by the network.
func addrAllowed(p *Policy, rules []hostRule, ap netip.AddrPort) bool {
	a := ap.Addr().WithZone("")
	if p.AllowPrivate || publicAddr(a) {
		return true
	}
	port := fmt.Sprint(ap.Port())
	for _, r := range rules {
		if r.ip.IsValid() && r.ip == a && (r.port == "" || r.port == port) {
			return true
		}
	}
	return false
}
