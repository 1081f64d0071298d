package main

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// API keys. A key is
//
//	aig_<id>_<secret>
//
// where <id> is 8 characters and <secret> 52 characters of lower-case
// RFC 4648 base32 ([a-z2-7]): 40 random bits naming the key and 256 random
// bits proving it, 65 characters in all. The id is public: it is stored
// next to the hash, logged, and names who acted (principal.String); the
// prefix lets secret scanners find a leaked key. A key is stored only as
// the SHA-256 of the whole key, hex-encoded: for a 256-bit random secret a
// fast unkeyed hash is enough (no dictionary or brute force can invert it;
// slow password hashes such as bcrypt or Argon2 exist for low-entropy
// passwords, and would only cost CPU on every request), and the hash of
// the presented key is compared with the stored one in constant time
// (crypto/subtle). OWASP's "Password Storage" cheat sheet and RFC 6750
// (bearer tokens) are the sources of these rules.
const (
	keyPrefix    = "aig_"
	keyIDLen     = 8
	keySecretLen = 52
	// keyLen is the length of every valid key.
	keyLen = len(keyPrefix) + keyIDLen + 1 + keySecretLen
)

// keyPattern matches a key anywhere in text. newService registers it with
// secret.RegisterPattern, so a key a user pastes into a query, or any
// text quoting one, is redacted wherever OPENAI_API_KEY would be: before
// it is stored, served, logged or sent to the model provider.
var keyPattern = regexp.MustCompile(`aig_[a-z2-7]{8}_[a-z2-7]{52}`)

// b32 is lower-case base32 without padding.
var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Roles a key can have.
const (
	roleTenant  = "tenant"  // the tenant's API: runs and jobs of its tenant
	roleAdmin   = "admin"   // admin endpoints (and River's UI, issue 20)
	roleMetrics = "metrics" // GET /metrics only: Prometheus' scrape credentials
)

// KeyEntry is a key as the tenants file keeps it: its public id and the
// SHA-256 of the whole key, as printed by `service keygen`.
type KeyEntry struct {
	// ID is the key's public id, the 8 characters after "aig_".
	ID string `yaml:"id"`
	// SHA256 is the hex SHA-256 of the whole key.
	SHA256 string `yaml:"sha256"`
	// Name is an optional label for people ("ci", "alice's laptop"),
	// shown in logs next to the id.
	Name string `yaml:"name"`
}

// ErrKeyFormat is wrapped by parseKey's errors.
var ErrKeyFormat = errors.New("malformed API key")

// newKey returns a fresh random key and its entry.
func newKey(name string) (key string, e KeyEntry, err error) {
	var raw [5 + 32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", e, fmt.Errorf("random key: %w", err)
	}
	id := b32.EncodeToString(raw[:5])
	key = keyPrefix + id + "_" + b32.EncodeToString(raw[5:])
	sum := sha256.Sum256([]byte(key))
	return key, KeyEntry{ID: id, SHA256: hex.EncodeToString(sum[:]), Name: name}, nil
}

// parseKey checks a presented key's shape and returns its id. It never
// quotes the key in its error.
func parseKey(key string) (id string, err error) {
	if len(key) != keyLen || !strings.HasPrefix(key, keyPrefix) || key[len(keyPrefix)+keyIDLen] != '_' {
		return "", fmt.Errorf("%w: want aig_<8 characters>_<52 characters>", ErrKeyFormat)
	}
	id = key[len(keyPrefix) : len(keyPrefix)+keyIDLen]
	secret := key[len(keyPrefix)+keyIDLen+1:]
	if !isBase32(id) || !isBase32(secret) {
		return "", fmt.Errorf("%w: characters outside a-z and 2-7", ErrKeyFormat)
	}
	return id, nil
}

func isBase32(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// keyHolder is who a key belongs to.
type keyHolder struct {
	role   string
	tenant string // roleTenant only
	id     string
	name   string
	sum    [sha256.Size]byte
}

// keyring finds the holder of a presented key. It is read-only once
// built, so safe for concurrent use.
type keyring struct {
	byID map[string]*keyHolder
}

// dummySum is compared against when a key's id is unknown, so an unknown
// id costs the same hash and comparison as a wrong secret.
var dummySum = sha256.Sum256([]byte("aigentic: no such key"))

// add registers entries for a role (and tenant). Ids must be unique across
// the whole file; a malformed entry is an error naming it (never a hash).
func (k *keyring) add(role, tenant string, entries []KeyEntry) error {
	if k.byID == nil {
		k.byID = map[string]*keyHolder{}
	}
	for i, e := range entries {
		where := fmt.Sprintf("%s key %d", role, i+1)
		if tenant != "" {
			where = fmt.Sprintf("tenant %q: api_keys entry %d", tenant, i+1)
		}
		if len(e.ID) != keyIDLen || !isBase32(e.ID) {
			return fmt.Errorf("%s: id must be the 8 characters after aig_ of a key from `service keygen`", where)
		}
		b, err := hex.DecodeString(e.SHA256)
		if err != nil || len(b) != sha256.Size {
			return fmt.Errorf("%s (id %s): sha256 must be 64 hex digits, as `service keygen` prints", where, e.ID)
		}
		if len(e.Name) > 64 {
			return fmt.Errorf("%s (id %s): name longer than 64 bytes", where, e.ID)
		}
		if _, dup := k.byID[e.ID]; dup {
			return fmt.Errorf("%s: key id %s appears twice in the file", where, e.ID)
		}
		h := &keyHolder{role: role, tenant: tenant, id: e.ID, name: e.Name}
		copy(h.sum[:], b)
		k.byID[e.ID] = h
	}
	return nil
}

// lookup returns the holder of key, or nil when the key is malformed,
// unknown or wrong: the three are not told apart, and a well-formed key
// costs one SHA-256 and one constant-time comparison whether or not its id
// exists.
func (k *keyring) lookup(key string) *keyHolder {
	id, err := parseKey(key)
	if err != nil {
		return nil
	}
	h := k.byID[id]
	want := dummySum
	if h != nil {
		want = h.sum
	}
	got := sha256.Sum256([]byte(key))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 || h == nil {
		return nil
	}
	return h
}

// len is the number of keys.
func (k *keyring) len() int { return len(k.byID) }
