// Runs a function in a forked child and takes its answer only if it comes
// within a time bound; otherwise the child is killed. For calls that have no
// timeout of their own and may block indefinitely on something outside us
// (corosync's IPC, a resolver with an unreachable DNS server, D-Bus).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace pmxsnap {

struct BoundedAnswer {
    enum class Outcome { answered, timed_out, failed } outcome = Outcome::failed;
    std::string text; // what the child wrote, when answered
};

// The child runs `produce` and sends its string back through a pipe; it never
// returns into the caller's code (it _exits). Nothing the child changes in its
// memory is visible to the parent.
BoundedAnswer call_bounded(const std::function<std::string()>& produce,
                           std::chrono::milliseconds timeout);

} // namespace pmxsnap
