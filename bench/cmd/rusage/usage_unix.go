//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// usage is the user and system CPU time in nanoseconds and the peak RSS in
// bytes of an exited child, from its rusage.
func usage(ps *os.ProcessState) (user, sys, rss int64) {
	user, sys = ps.UserTime().Nanoseconds(), ps.SystemTime().Nanoseconds()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru != nil {
		rss = int64(ru.Maxrss)
		if runtime.GOOS != "darwin" { // Linux and the BSDs count KiB, macOS bytes
			rss *= 1024
		}
	}
	return user, sys, rss
}
