package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
	"sigs.k8s.io/yaml"
)

//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIJSON is the OpenAPI 3.1 document of the API, as served.
var OpenAPIJSON = func() []byte {
	b, err := yaml.YAMLToJSON(openAPIYAML)
	if err != nil {
		panic("api/openapi.yaml is not valid YAML: " + err.Error())
	}
	return b
}()

func serveOpenAPI(c *gin.Context) { c.Data(http.StatusOK, "application/json", OpenAPIJSON) }
