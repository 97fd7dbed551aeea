package api

import (
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

func fmtAny(v any) string { return fmt.Sprint(v) }

// serveFrontend serves a file of the web UI, or its index.html for paths
// that are screens of the single-page app rather than files.
func serveFrontend(c *gin.Context, fsys fs.FS) {
	name := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if st, err := fs.Stat(fsys, name); err != nil || st.IsDir() {
		name = "index.html"
	}
	if name == "index.html" {
		c.Header("Cache-Control", "no-cache")
	} else {
		c.Header("Cache-Control", "public, max-age=3600")
	}
	c.FileFromFS(name, http.FS(fsys))
}
