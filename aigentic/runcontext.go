package aigentic

import "context"

// deriveContext sets the run's context and its cancel function. With a
// nil ctx (Execute, Start, sub-agents) the context derives from the
// session's. With a ctx (ExecuteContext, StartContext) it derives from
// ctx — its values, among them a caller's trace span — gets the earlier
// of the two deadlines, and also ends when the session ends, with the
// session's cause. The run's cancel, which finish calls, releases it all.
func (r *AgentRun) deriveContext(ctx context.Context) {
	session := r.session.Context
	if ctx == nil {
		r.ctx, r.cancel = context.WithCancelCause(session)
		return
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	var release []func()
	if sd, ok := session.Deadline(); ok {
		if cd, ok := ctx.Deadline(); !ok || sd.Before(cd) {
			var stop context.CancelFunc
			runCtx, stop = context.WithDeadline(runCtx, sd)
			release = append(release, stop)
		}
	}
	stopWatch := context.AfterFunc(session, func() { cancel(context.Cause(session)) })
	release = append(release, func() { stopWatch() })
	r.ctx = runCtx
	r.cancel = func(cause error) {
		cancel(cause)
		for _, f := range release {
			f()
		}
	}
}
