//go:build !linux || !cgo

package sqlite

// TuneProcess does nothing where the C library is not glibc's.
func TuneProcess() {}
