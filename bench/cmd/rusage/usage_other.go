//go:build !unix

package main

import "os"

// usage is the user and system CPU time in nanoseconds of an exited child;
// peak RSS is not known outside Unix and reads 0.
func usage(ps *os.ProcessState) (user, sys, rss int64) {
	return ps.UserTime().Nanoseconds(), ps.SystemTime().Nanoseconds(), 0
}
