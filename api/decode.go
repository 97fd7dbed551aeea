package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"liaison/models"
	"liaison/store"
)

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 1 << 20

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}()

// bindJSON decodes the body strictly into dst and validates it: the body
// must be application/json, one object, no unknown fields, no trailing data,
// right types, at most MaxBodyBytes; then dst's validate tags must hold.
func bindJSON(c *gin.Context, dst any) error {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		return problem(http.StatusUnsupportedMediaType, "unsupported-media-type", "the body must be application/json")
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return decodeProblem(err)
	}
	// Only an object is a resource: null, arrays and scalars are refused
	// before decoding, which would take null as "no fields".
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return badRequest("the body must be a JSON object")
	}
	if hasNUL(body) {
		return badRequest("text may not hold a NUL character (\\u0000)")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("the body must hold a single JSON object with nothing after it")
	}
	return validateStruct(dst)
}

// hasNUL reports whether a JSON text holds the escape \u0000: no text
// Liaison keeps may hold a NUL, which Postgres refuses to store.
func hasNUL(body []byte) bool {
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte("u0000"))
		if j < 0 {
			return false
		}
		j += i
		n := 0 // backslashes before: an odd number escape the u
		for k := j - 1; k >= 0 && body[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = j + 1
	}
}

func decodeProblem(err error) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		ute *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return problem(http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("the body is larger than %d bytes", MaxBodyBytes))
	case errors.As(err, &se):
		return badRequest(fmt.Sprintf("malformed JSON at byte %d", se.Offset))
	case errors.As(err, &ute):
		field := ute.Field
		if field == "" {
			return badRequest("the body must be a JSON object")
		}
		return badRequest("a field has the wrong type", store.FieldError{Field: field, Message: typeMessage(ute.Type)})
	case errors.Is(err, io.EOF):
		return badRequest("the body is empty; it must be a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the body ends in the middle of a JSON value")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest("the body has a field this resource does not take", store.FieldError{Field: name, Message: "is not a field of this resource"})
	}
	return badRequest("the body is not valid JSON for this resource")
}

func typeMessage(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[time.Time](), reflect.TypeFor[models.Timestamp]():
		return "must be an RFC 3339 timestamp such as 2024-11-22T15:00:00Z"
	case reflect.TypeFor[models.Date]():
		return "must be a date in the form YYYY-MM-DD"
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "must be a whole number"
	case reflect.Slice:
		return "must be an array"
	case reflect.Struct, reflect.Map:
		return "must be an object"
	}
	return "has the wrong type"
}

// validateStruct runs the validate tags and turns failures into a 422.
func validateStruct(v any) error {
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return badRequest("the body could not be validated")
	}
	fields := make([]store.FieldError, 0, len(ves))
	for _, fe := range ves {
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i+1:]
		}
		fields = append(fields, store.FieldError{Field: ns, Message: tagMessage(fe)})
	}
	return &store.ValidationError{Errors: fields}
}

func tagMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max":
		if fe.Kind() == reflect.Slice {
			return "must have at most " + fe.Param() + " entries"
		}
		return "must be at most " + fe.Param() + " characters"
	case "min":
		return "must be at least " + fe.Param() + " characters"
	case "oneof":
		return "must be one of " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "email":
		return "must be an email address"
	case "gte":
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	}
	return "is invalid (" + fe.Tag() + ")"
}
