package casefile

import (
	"fmt"
	"net"
	"net/http"
)

// serve starts an HTTP server for h on a loopback port, as
// httptest.NewServer does but without linking httptest (and with it
// testing) into the CLI. It returns the server's base URL, a client for
// it and a function that closes both.
func serve(h http.Handler) (baseURL string, client *http.Client, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if ln, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			return "", nil, nil, fmt.Errorf("mock server: listening on loopback: %v", err)
		}
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	tr := &http.Transport{}
	stop = func() {
		tr.CloseIdleConnections()
		srv.Close()
	}
	return "http://" + ln.Addr().String(), &http.Client{Transport: tr}, stop, nil
}
