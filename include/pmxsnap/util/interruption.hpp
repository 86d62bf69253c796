// Interruption: SIGINT, SIGTERM and SIGHUP turned into an orderly stop. The
// handler only records the signal; the work calls interruption_point() at
// its phase boundaries and in its long loops, which throws Interrupted, and
// the unwinding removes scratch directories and temporary files (their
// destructors) before the top level says so in one line and exits 2.
#pragma once

#include <exception>
#include <string>

namespace pmxsnap {

// Not a pmxsnap::Error on purpose: the many `catch (const Error&)` that turn
// a failure into a finding ("this archive does not verify") must not turn an
// interruption into one. Only the top level (and what writes failure
// metrics) catches it.
class Interrupted : public std::exception {
  public:
    explicit Interrupted(int signal);
    int signal() const { return signal_; }
    const char* what() const noexcept override { return what_.c_str(); }

  private:
    int signal_;
    std::string what_; // "interrupted by SIGTERM"
};

// Installs the handlers once, at the start of main(). A signal the process
// inherited as ignored (nohup's SIGHUP, SIGINT of a background job) stays
// ignored, as POSIX tools do.
void install_interruption_handlers();

// The first signal received, 0 when none.
int interruption_signal();

// "SIGTERM", "SIGINT", "SIGHUP", or "signal N".
std::string signal_name(int signal);

// Throws Interrupted when a signal arrived. phase names the point for the
// test hook below; it changes nothing else.
//
// TEST HOOK, for tests only: when the environment variable
// PMXSNAP_TEST_STOP_AT equals phase, the process stops itself (SIGSTOP)
// here, so a test can deliver a signal at exactly this point (it waits for
// state T in /proc/PID/stat, sends the signal, then SIGCONT). After being
// continued it waits up to two seconds for that signal to be handled by
// whichever thread takes it. Without the variable this is only the check.
void interruption_point(const char* phase = nullptr);

} // namespace pmxsnap
