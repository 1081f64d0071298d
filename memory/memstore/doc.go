// Package memstore gives an aigentic agent a long-term memory: three tools,
// save_memory, get_memory and clear_memory, over a [Store] of named facts.
//
//	store, err := memstore.OpenFileStore(dir)          // or memstore.NewMemStore()
//	mem, err := memstore.NewMemory(store, memstore.WithNamespace("alice"))
//	agent := aigentic.Agent{Model: model, Session: session, AgentTools: mem.Tools()}
//
// # Namespaces
//
// Memories live in namespaces. By default a [Memory] scopes them to the
// run's session (namespace = Session.ID): runs of one aigentic.Session share
// memories, other sessions do not see them. [WithNamespace] gives every run
// the same namespace instead — a user or profile name — so that another
// session, or another process using the same [FileStore] directory,
// remembers. Namespace names are 1-64 characters of a-z, 0-9, _ and -, so a
// namespace can never name a path outside the store's directory.
//
// # Stores
//
// [MemStore] keeps memories in process memory. [FileStore] keeps one JSON
// file per namespace in a directory, and survives restarts:
//
//   - every change is written to a temporary file, synced, and renamed over
//     the old file, so a crash leaves the old file or the new one, never half
//     of either;
//   - changes are serialised by a mutex in the process and, on Unix, an
//     advisory lock file (flock) across processes, so concurrent runs never
//     lose each other's updates;
//   - a file that cannot be read back is reported as a [*CorruptError]
//     naming it; it is never overwritten (writes to that namespace fail until
//     it is repaired, moved or removed), and other namespaces are unaffected;
//   - [Limits] bound names, values and the number of memories per namespace;
//   - the directory must be a real directory owned by the current user that
//     no other user can write (created 0700 when missing, never chmod-ed),
//     and namespace files and the lock file are opened without following
//     symbolic links and must be regular files owned by the current user
//     (internal/securefs). A store that fails these rules fails with an
//     error matching [ErrUnsafe] naming the path and the reason; nothing is
//     read from it, so memories another user planted are never repeated.
//
// # Errors the model sees
//
// A bad name or value, or a limit reached, comes back to the model as an
// error result it can act on (ErrInvalid, ErrLimit). A store that fails —
// an unreadable or corrupt file, a bad namespace — stops the run with an
// error naming the problem: that is for the operator, not the model.
package memstore
