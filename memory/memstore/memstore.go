package memstore

import (
	"context"
	"sync"
)

// MemStore is a [Store] in process memory: memories last as long as the
// process. Safe for concurrent use.
type MemStore struct {
	cfg storeConfig

	mu    sync.Mutex
	books map[string]book
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty in-memory store.
func NewMemStore(opts ...StoreOption) *MemStore {
	return &MemStore{cfg: newStoreConfig(opts), books: make(map[string]book)}
}

// Save implements [Store].
func (s *MemStore) Save(ctx context.Context, namespace, name, value string) error {
	name, value, err := prepareSave(ctx, namespace, name, value, s.cfg.limits)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[namespace]
	if b == nil {
		b = book{}
	}
	if err := b.save(name, value, &s.cfg); err != nil {
		return err
	}
	s.books[namespace] = b
	return nil
}

// Get implements [Store].
func (s *MemStore) Get(ctx context.Context, namespace, name string) (Entry, bool, error) {
	name, err := prepareName(ctx, namespace, name, s.cfg.limits)
	if err != nil {
		return Entry{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.books[namespace][name]
	return e, ok, nil
}

// List implements [Store].
func (s *MemStore) List(ctx context.Context, namespace string) ([]Entry, error) {
	if err := prepareNamespace(ctx, namespace); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.books[namespace].list(), nil
}

// Delete implements [Store].
func (s *MemStore) Delete(ctx context.Context, namespace, name string) (bool, error) {
	name, err := prepareName(ctx, namespace, name, s.cfg.limits)
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[namespace]
	if _, ok := b[name]; !ok {
		return false, nil
	}
	delete(b, name)
	return true, nil
}

// Clear implements [Store].
func (s *MemStore) Clear(ctx context.Context, namespace string) (int, error) {
	if err := prepareNamespace(ctx, namespace); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.books[namespace])
	delete(s.books, namespace)
	return n, nil
}
