//! Ctrl-C (or a CI runner's SIGTERM) while waiting: the job goes on at the service, so the
//! tool ends its status line, says how to wait again or cancel, and exits 128 + the signal
//! (130 for SIGINT, 143 for SIGTERM: what shells report for a command they stopped).
//!
//! The only unsafe code of the tool: the C library's `signal`, `write` and `_exit`, which
//! every Unix C library has and the standard library already links. The handler does only
//! what a signal handler may (POSIX lists `write` and `_exit` as async-signal-safe): it
//! writes bytes prepared before it was installed, and exits.
#![allow(unsafe_code)]

use std::sync::OnceLock;

/// What the handler writes to stderr; set once, before the handler is installed.
static MESSAGE: OnceLock<Vec<u8>> = OnceLock::new();

/// From now on, Ctrl-C and SIGTERM write `message` to stderr and exit with 128 + the
/// signal (130 for Ctrl-C). Only the first call takes effect. Elsewhere than
/// Unix, both keep their default.
pub fn on_interrupt(message: String) {
    if MESSAGE.set(message.into_bytes()).is_ok() {
        sys::install();
    }
}

#[cfg(unix)]
mod sys {
    use std::ffi::c_int;

    const SIGINT: c_int = 2;
    const SIGTERM: c_int = 15;
    const STDERR: c_int = 2;

    unsafe extern "C" {
        /// `sighandler_t signal(int, sighandler_t)`: a handler is a function's address, or
        /// `SIG_DFL` (0) / `SIG_IGN` (1).
        fn signal(signum: c_int, handler: usize) -> usize;
        fn write(fd: c_int, buf: *const u8, count: usize) -> isize;
        fn _exit(status: c_int) -> !;
    }

    extern "C" fn handler(signum: c_int) {
        if let Some(message) = super::MESSAGE.get() {
            // SAFETY: `message` lives for the whole process (a static set before the
            // handler was installed) and `write` reads `len` bytes of it.
            unsafe { write(STDERR, message.as_ptr(), message.len()) };
        }
        // SAFETY: `_exit` ends the process without running anything else.
        unsafe { _exit(128 + signum) }
    }

    /// `SIG_IGN`: what `signal` returns when the signal was ignored.
    const IGNORED: usize = 1;

    pub fn install() {
        for signum in [SIGINT, SIGTERM] {
            // SAFETY: `handler` has the signature `signal` expects, and does only what a
            // signal handler may.
            let before = unsafe { signal(signum, handler as extern "C" fn(c_int) as usize) };
            if before == IGNORED {
                // A shell starts a background job with SIGINT ignored, so that Ctrl-C meant
                // for the foreground does not stop it: keep it so (and any ignored SIGTERM).
                // SAFETY: `SIG_IGN` is a disposition `signal` takes.
                unsafe { signal(signum, IGNORED) };
            }
        }
    }
}

#[cfg(not(unix))]
mod sys {
    pub fn install() {}
}
