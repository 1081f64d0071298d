// Package seamtest holds tests of the runtime's seam (package
// aigentic/hook) written the way a user of the library writes an observer
// and an interceptor: in a package of their own, outside aigentic/, with
// nothing but the exported API. It has no code of its own.
package seamtest
