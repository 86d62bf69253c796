// The exceptions of the project, siblings under one base (as ccache's
// Error/Fatal): pmxsnap::Error when an operation cannot go on (unreadable
// input, I/O, usage: exit 2), and archive::Rejected (archive/rejected.hpp)
// when the input is itself the finding (tampered, truncated, foreign: exit
// 1). The top level catches ErrorBase once, prints "pmxsnap: <what()>" and
// exits with exit_code(); commands do not convert one into the other.
//
// The convention, decided once: outcomes that are ordinary for a backup tool
// (a file that does not parse, an invariant that is broken, a signature that
// does not verify) are returned as values the caller reports; only failures
// that stop the command (unreadable input, I/O errors, usage) are thrown.
// Messages name the thing first: "<path or value>: <why>[; <what to do>]".
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace pmxsnap {

// Exit codes as diff(1): scripts can trust them.
enum class ExitCode : int { ok = 0, findings = 1, error = 2 };

class ErrorBase : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    virtual ExitCode exit_code() const = 0;
};

class Error : public ErrorBase {
  public:
    using ErrorBase::ErrorBase;
    ExitCode exit_code() const override { return ExitCode::error; }
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
    throw Error(fmt::format(format, std::forward<Args>(args)...));
}

// strerror(err) without the thread-safety trap of strerror().
std::string errno_text(int err);

// Throws Error("<what>: <strerror(errno)>") using the current errno.
[[noreturn]] void fail_errno(const std::string& what);

} // namespace pmxsnap
