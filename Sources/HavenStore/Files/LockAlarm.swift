import Foundation
import Glibc

/// Ends a blocking call after a time, by a signal to the calling thread alone: a POSIX timer
/// (`timer_create` with `SIGEV_THREAD_ID`) sends `LockAlarm.signal`, whose handler does
/// nothing and is installed without `SA_RESTART`, so the call returns `EINTR`.
///
/// The signal is SIGUSR2, which nothing else in Haven uses; once the handler is installed a
/// SIGUSR2 from outside is ignored rather than ending the process.
enum LockAlarm {
    static let signal = SIGUSR2
    /// As if no timer could be had (the tests of the polling fallback).
    nonisolated(unsafe) static var unavailable = false

    private static let installed: Bool = {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: the blocked call returns EINTR
        return sigaction(LockAlarm.signal, &action, nil) == 0
    }()

    /// Runs `call` (a blocking system call) with an alarm `seconds` from now that interrupts
    /// it, with the signal unblocked on this thread for the while (dispatch's worker threads
    /// block it); returns what it returned, `errno` as it left it. Nil when no timer can be
    /// had (no /proc, the pending-signal limit reached): the caller then polls without
    /// blocking, and `call` is not made.
    static func interrupting(after seconds: Double, _ call: () -> Int32) -> Int32? {
        guard !unavailable, installed, let thread = threadID() else { return nil }
        var timer: timer_t?
        var event = sigevent()
        event.sigev_notify = Int32(SIGEV_THREAD_ID)
        event.sigev_signo = Int32(signal)
        event._sigev_un._tid = thread
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, signal)
        var mask = sigset_t()
        guard pthread_sigmask(SIG_UNBLOCK, &unblock, &mask) == 0 else { return nil }
        // Run in reverse: the timer is gone before the mask is put back.
        defer { pthread_sigmask(SIG_SETMASK, &mask, nil) }
        guard timer_create(CLOCK_MONOTONIC, &event, &timer) == 0 else { return nil }
        defer { timer_delete(timer) }
        let wait = max(seconds, 0.000_001)
        var when = itimerspec()
        when.it_value.tv_sec = Int(wait)
        when.it_value.tv_nsec = Int((wait - Double(Int(wait))) * 1e9)
        if when.it_value.tv_sec == 0, when.it_value.tv_nsec == 0 { when.it_value.tv_nsec = 1_000 }
        guard timer_settime(timer, 0, &when, nil) == 0 else { return nil }
        return call()
    }

    /// This thread's kernel id (`gettid`, which Swift's Glibc does not offer): the link
    /// /proc/thread-self names "PID/task/TID".
    static func threadID() -> pid_t? {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "/").last.flatMap { pid_t($0) }
    }
}
