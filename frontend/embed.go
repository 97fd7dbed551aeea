// Package frontend embeds Liaison's web UI: plain ES modules with no build
// step, using only the public JSON API. Libraries are pinned, vendored
// files under vendor/ (see vendor/README.md).
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed index.html style.css app vendor
var files embed.FS

// FS is the web UI's files.
func FS() fs.FS { return files }
