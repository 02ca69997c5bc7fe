package definition

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"
)

var topFields = []string{"weft", "listen", "store", "drainTimeout", "admin", "vars", "flows"}

// Defaults of the file's top-level fields.
const (
	DefaultListen       = "127.0.0.1:8080"
	DefaultStore        = "weft.db"
	DefaultDrainTimeout = 30 * time.Second
)

func (d *decoder) decode() *File {
	root := d.parseRoot()
	if root == nil {
		return nil
	}
	f := &File{Path: d.file, Listen: DefaultListen, DrainTimeout: DefaultDrainTimeout}
	fs, _ := d.mapping(root, "the definition file", topFields)
	if fs == nil {
		return nil
	}
	top := root
	if m, ok := fs["weft"]; !ok {
		d.err(top, CodeMarker, "missing the format marker: the file must start with \"weft: "+Marker+"\"", "add \"weft: "+Marker+"\" as the first line")
	} else if s, ok := d.rawScalar(m.val, "weft"); ok && s != Marker {
		d.err(m.val, CodeMarker, fmt.Sprintf("unknown format %q: this weft reads %q", s, Marker), "write \"weft: "+Marker+"\"")
	}
	// Variables first: every other value may use them.
	if v, ok := fs["vars"]; ok {
		f.Vars = d.decodeVars(v.val)
	} else {
		d.vars = map[string]*varState{}
	}
	if v, ok := fs["listen"]; ok {
		if s, ok := d.scalar(v.val, "listen"); ok && s.ok {
			if _, port, err := net.SplitHostPort(s.Text); err != nil || !validPort(port) {
				d.errAt(s.Pos, CodeInvalidValue, "listen: "+s.show()+" is not host:port", "for example 127.0.0.1:8080 or :8080")
			} else {
				f.Listen = s.Text
			}
		}
	}
	f.Store = filepath.Join(d.dir, DefaultStore)
	if v, ok := fs["store"]; ok {
		if s, ok := d.scalar(v.val, "store"); ok && s.ok {
			if s.Text == "" {
				d.errAt(s.Pos, CodeInvalidValue, "store must not be empty", "")
			} else {
				f.Store = d.resolve(s.Text)
			}
		}
	}
	if v, ok := fs["drainTimeout"]; ok {
		if t, ok := d.duration(v.val, "drainTimeout", true); ok {
			f.DrainTimeout = t
		}
	}
	if v, ok := fs["admin"]; ok {
		af, _ := d.mapping(v.val, "admin", []string{"token"})
		if t, ok := af["token"]; ok {
			if s, ok := d.scalar(t.val, "admin.token"); ok && s.ok {
				if s.Text != "" && !s.Secret {
					d.errAt(s.Pos, CodeLiteralSecret, "admin.token must come from a secret variable", "declare a variable with secret: true and write ${NAME}")
				}
				f.AdminToken = s.Value
			}
		}
	}
	if v, ok := fs["flows"]; !ok {
		d.err(top, CodeMissingField, "missing required field \"flows\": a definition file runs at least one flow", "")
	} else {
		f.Flows = d.decodeFlows(v)
	}
	return f
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// resolve makes a path relative to the file's directory.
func (d *decoder) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.dir, p)
}
