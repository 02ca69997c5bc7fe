//go:build unix

package arazzo

import "syscall"

// openNonBlock makes opening a FIFO return at once (it is then refused as
// not a regular file) instead of blocking until a writer appears.
const openNonBlock = syscall.O_NONBLOCK
