#include "pmxsnap/util/interruption.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace pmxsnap {
namespace {

// Why the handler only records the signal: removing the scratch directory
// from the handler would need a walk of it with nothing but openat/unlinkat
// (no std::filesystem, no malloc, no locks) while the interrupted thread
// may be half-way through creating files in it, and then _exit, skipping
// the repository's temporary files, the lock and the failure metrics. A
// flag checked at every phase boundary and in every loop that can take
// long (file reads, db row scans, compression, decompression, waiting for
// the lock) stops the work within one 64 KiB chunk or one row, and
// ordinary unwinding cleans up everything the same way an error does.
// A second signal while unwinding changes nothing: the handler stays
// installed (no SA_RESETHAND), so it cannot kill the process half-way
// through the cleanup. SA_RESTART keeps system calls from failing with
// EINTR in code that does not expect it.
std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs a lock-free flag");

extern "C" void record_signal(int signal) {
    int none = 0;
    received.compare_exchange_strong(none, signal); // the first one is the one named
}

constexpr int handled[] = {SIGINT, SIGTERM, SIGHUP};

void stop_for_test(const char* phase) {
    if (phase == nullptr)
        return;
    const char* wanted = std::getenv("PMXSNAP_TEST_STOP_AT");
    if (wanted == nullptr || std::strcmp(wanted, phase) != 0)
        return;
    ::raise(SIGSTOP);
    // The test sent its signal before SIGCONT; another thread may be the one
    // running the handler.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (received.load() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

} // namespace

Interrupted::Interrupted(int signal)
    : signal_(signal)
    , what_("interrupted by " + signal_name(signal)) {}

void install_interruption_handlers() {
    for (int signal : handled) {
        struct sigaction previous {};
        if (::sigaction(signal, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN)
            continue;
        struct sigaction action {};
        action.sa_handler = record_signal;
        sigemptyset(&action.sa_mask);
        for (int other : handled)
            sigaddset(&action.sa_mask, other);
        action.sa_flags = SA_RESTART;
        ::sigaction(signal, &action, nullptr);
    }
}

int interruption_signal() {
    return received.load();
}

std::string signal_name(int signal) {
    switch (signal) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return fmt::format("signal {}", signal);
    }
}

void interruption_point(const char* phase) {
    stop_for_test(phase);
    if (int signal = received.load())
        throw Interrupted(signal);
}

} // namespace pmxsnap
