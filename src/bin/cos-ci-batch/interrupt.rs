//! Ctrl-C while waiting: the job goes on at the service, so the tool ends its status line,
//! says how to wait again or cancel, and exits 130 (128 + SIGINT, what shells report for an
//! interrupted command).
//!
//! The only unsafe code of the tool: the C library's `signal`, `write` and `_exit`, which
//! every Unix C library has and the standard library already links. The handler does only
//! what a signal handler may (POSIX lists `write` and `_exit` as async-signal-safe): it
//! writes bytes prepared before it was installed, and exits.
#![allow(unsafe_code)]

use std::sync::OnceLock;

/// What the handler writes to stderr; set once, before the handler is installed.
static MESSAGE: OnceLock<Vec<u8>> = OnceLock::new();

/// The status of a command interrupted by Ctrl-C.
pub const INTERRUPTED: i32 = 130;

/// From now on, Ctrl-C writes `message` to stderr and exits with [`INTERRUPTED`]. Only the
/// first call takes effect. Elsewhere than Unix, Ctrl-C keeps its default.
pub fn on_interrupt(message: String) {
    if MESSAGE.set(message.into_bytes()).is_ok() {
        sys::install();
    }
}

#[cfg(unix)]
mod sys {
    use std::ffi::c_int;

    const SIGINT: c_int = 2;
    const STDERR: c_int = 2;

    unsafe extern "C" {
        /// `sighandler_t signal(int, sighandler_t)`: a handler is a function's address, or
        /// `SIG_DFL` (0) / `SIG_IGN` (1).
        fn signal(signum: c_int, handler: usize) -> usize;
        fn write(fd: c_int, buf: *const u8, count: usize) -> isize;
        fn _exit(status: c_int) -> !;
    }

    extern "C" fn handler(_: c_int) {
        if let Some(message) = super::MESSAGE.get() {
            // SAFETY: `message` lives for the whole process (a static set before the
            // handler was installed) and `write` reads `len` bytes of it.
            unsafe { write(STDERR, message.as_ptr(), message.len()) };
        }
        // SAFETY: `_exit` ends the process without running anything else.
        unsafe { _exit(super::INTERRUPTED) }
    }

    /// `SIG_IGN`: what `signal` returns when the signal was ignored.
    const IGNORED: usize = 1;

    pub fn install() {
        // SAFETY: `handler` has the signature `signal` expects, and does only what a signal
        // handler may.
        let before = unsafe { signal(SIGINT, handler as extern "C" fn(c_int) as usize) };
        if before == IGNORED {
            // A shell starts a background job with SIGINT ignored, so that Ctrl-C meant for
            // the foreground does not stop it: keep it so.
            // SAFETY: `SIG_IGN` is a disposition `signal` takes.
            unsafe { signal(SIGINT, IGNORED) };
        }
    }
}

#[cfg(not(unix))]
mod sys {
    pub fn install() {}
}
