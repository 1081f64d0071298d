// Package conversation keeps a chat's conversation across runs: a
// [Conversation] is an aigentic.History (Session.History) over a [Store],
// with caps on what a run is given.
//
//	store, err := conversation.OpenFileStore(dir, conversation.FileLimits{}) // or conversation.NewMemoryStore()
//	conv, err := conversation.New(store, userID, conversation.Options{MaxTurns: 50, MaxTokens: 16_000})
//	session := aigentic.NewSession(ctx)
//	session.History = conv
//	answer, err := agent.Execute(question) // agent.Session = session
//
// A run starts from the newest whole turns the caps allow (a turn is a
// user message with everything up to the next one, so a tool result never
// loses its call), after the agent's instructions; when it ends, the
// messages it added — the user's message, the model's answers and the
// tool results, cut where no tool call is left unanswered — are appended
// as one segment, all or nothing. The caps bound what a run is given;
// package aigentic/window still compacts what each model call sends when
// even that does not fit the model's window.
//
// # Stores
//
// [MemoryStore] keeps conversations in the process. [FileStore] keeps one
// file per conversation, on the memory example's safe file store
// (memory/memstore): a private directory, atomic writes (a failure or a
// crash leaves the old conversation whole), locking across processes, a
// corrupt file reported and never overwritten. Open the same directory
// after a restart and each conversation resumes where it was.
//
// # Failures
//
// A store that fails loses nothing already done: a failed Load stops the
// run before anything runs (*aigentic.HistoryError, Op "load"); a failed
// Append leaves the stored conversation as it was, and the run's answer and
// messages are in the *aigentic.HistoryError (Op "append"). Messages a
// model would refuse (a tool result without its call, a call unanswered,
// a system message) are refused with [ErrInvalidMessages]; stored ones that
// no longer read back as a conversation fail Load with [ErrCorrupt].
package conversation
