package store

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (OWASP's minimum for argon2id: 19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns a PHC-formatted argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argonKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword compares pw with a hash from HashPassword in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	if m > 4*argonMemory || t < 1 || t > 16 || p < 1 {
		return false // not a hash of ours; never let a stored value size the work
	}
	got := argonKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// argonSlots bounds the argon2id computations running at once: each takes
// its memory cost (19 MiB) for its duration, so a burst of sign-ins cannot
// grow the process without bound; the others wait their turn.
var (
	argonSlots    = make(chan struct{}, 2)
	argonInFlight atomic.Int32
)

// argonKey is argon2.IDKey within argonSlots. When the last computation in
// flight ends, the freed memory is handed back to the operating system at
// once rather than kept for the rest of the process's life: sign-ins are
// rare, and the steady-state resident size matters more than the
// millisecond this costs.
func argonKey(pw, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	argonSlots <- struct{}{}
	argonInFlight.Add(1)
	key := argon2.IDKey(pw, salt, t, m, p, n)
	<-argonSlots
	if argonInFlight.Add(-1) == 0 {
		debug.FreeOSMemory()
	}
	return key
}

// dummyHash is compared against when the account does not exist, so that a
// login for an unknown email takes as long as one for a known email.
var dummyHash, _ = HashPassword("liaison-timing-equaliser")

// RandomSecret returns n random bytes, base64url-encoded.
func RandomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// secretHash is how session and token secrets are stored: SHA-256 is right
// for high-entropy random secrets (a slow hash would only cost latency).
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
