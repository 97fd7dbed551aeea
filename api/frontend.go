package api

import (
	"bytes"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// serveFrontend serves a file of the web UI, or its index.html for paths
// that are screens of the single-page app rather than files.
func serveFrontend(c *gin.Context, fsys fs.FS) {
	name := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
	if st, err := fs.Stat(fsys, name); name == "" || err != nil || st.IsDir() {
		name = "index.html"
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		writeProblem(c, notFound())
		return
	}
	if name == "index.html" {
		c.Header("Cache-Control", "no-cache")
	} else {
		c.Header("Cache-Control", "public, max-age=3600")
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Header("Content-Type", ctype)
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(b))
}
