package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
)

// tlsFlags are run's client certificate and CA flags.
type tlsFlags struct {
	cert, key, cacert string
}

func addTLSFlags(fs *flag.FlagSet) *tlsFlags {
	f := &tlsFlags{}
	fs.StringVar(&f.cert, "cert", "", "present the client certificate in PEM `FILE` to servers that ask (needs --key)")
	fs.StringVar(&f.key, "key", "", "the PEM private key `FILE` of --cert")
	fs.StringVar(&f.cacert, "cacert", "", "trust the PEM CA certificates in `FILE` instead of the system roots")
	return f
}

// client returns the HTTP client the flags ask for, or nil when none is
// given (the runner's default client is used). Problems are usage errors
// naming the flag; key material is never echoed.
func (f *tlsFlags) client() (*http.Client, error) {
	if f.cert == "" && f.key == "" && f.cacert == "" {
		return nil, nil
	}
	if (f.cert == "") != (f.key == "") {
		return nil, usagef("--cert and --key go together")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.cert != "" {
		pair, err := tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, usagef("--cert %s --key %s: %v", f.cert, f.key, tlsLoadError(err))
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if f.cacert != "" {
		pem, err := os.ReadFile(f.cacert)
		if err != nil {
			return nil, usagef("--cacert: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usagef("--cacert %s: no PEM certificate in the file", f.cacert)
		}
		cfg.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr}, nil
}

// tlsLoadError keeps the reason of a key pair error without any file
// content.
func tlsLoadError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe
	}
	return fmt.Errorf("not a matching PEM certificate and key")
}
