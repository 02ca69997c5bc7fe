//go:build !unix

package arazzo

// openNonBlock: no such flag here; non-regular files are refused by Stat
// before they are opened.
const openNonBlock = 0
