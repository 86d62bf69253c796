#include "pmxsnap/host/peer_shell.hpp"

#include "pmxsnap/host/child.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pmxsnap::host {
namespace {

using Clock = std::chrono::steady_clock;

bool plain(std::string_view text) {
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '\x7f'; });
}

long seconds_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return std::max<long>(1, static_cast<long>((left.count() + 999) / 1000));
}

} // namespace

std::string RemoteRun::last_error_line() const {
    std::string_view text = errors;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    auto start = text.rfind('\n');
    auto line = start == std::string_view::npos ? text : text.substr(start + 1);
    std::string shown;
    for (char c : line.substr(0, 300))
        shown += static_cast<unsigned char>(c) < ' ' ? '?' : c;
    return shown;
}

PeerShell::PeerShell(PeerShellOptions options)
    : options_(std::move(options))
    , start_(Clock::now())
    , deadline_(start_ + options_.limit) {
    const auto& destination = options_.destination;
    if (destination.empty() || destination.starts_with('-') || !plain(destination))
        fail("--peer {}: not a host name or address (optionally user@ before it)",
             escape_name(destination));
    for (const auto& option : options_.ssh_options)
        if (option.empty() || option.starts_with('-') ||
            option.find_first_of("\n\r") != std::string::npos)
            fail("--peer-ssh-option {}: not an ssh_config option (Name=value)",
                 escape_name(option));
}

std::chrono::milliseconds PeerShell::elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
}

RemoteRun PeerShell::run(const std::string& command) {
    RemoteRun result;
    if (Clock::now() >= deadline_) {
        result.how = RemoteRun::How::no_answer;
        return result;
    }
    auto left = seconds_left(deadline_);
    // ssh takes the first value it is given for an option: batch mode, the
    // connect timeout and no forwarding cannot be undone by the operator's
    // options; the host key policy (refuse what known_hosts does not hold) can.
    std::vector<std::string> argv = {"ssh",
                                     "-n",
                                     "-T",
                                     "-x",
                                     "-a",
                                     "-o",
                                     "BatchMode=yes",
                                     "-o",
                                     fmt::format("ConnectTimeout={}", left),
                                     "-o",
                                     "ClearAllForwardings=yes",
                                     "-o",
                                     "LogLevel=ERROR"};
    for (const auto& option : options_.ssh_options) {
        argv.emplace_back("-o");
        argv.push_back(option);
    }
    for (const char* option : {"StrictHostKeyChecking=yes", "PasswordAuthentication=no"}) {
        argv.emplace_back("-o");
        argv.emplace_back(option);
    }
    argv.emplace_back("--");
    argv.push_back(options_.destination);
    argv.push_back(fmt::format("LC_ALL=C timeout -k 1 {} {}", left, command));
    ChildSpec spec{argv, {}, "", false};
    spec.capture = true;
    spec.capture_limit = 4 << 20;
    Child child(spec);
    auto exit = child.wait(deadline_);
    result.output = child.output();
    result.errors = child.errors();
    switch (exit.how) {
    case ChildExit::How::not_started:
        result.how = RemoteRun::How::not_started;
        result.errors = "ssh " + exit.describe();
        break;
    case ChildExit::How::timed_out:
        result.how = RemoteRun::How::no_answer;
        break;
    case ChildExit::How::signalled:
        result.how = RemoteRun::How::ssh_failed;
        result.errors += "ssh " + exit.describe();
        break;
    case ChildExit::How::exited:
        result.code = exit.code;
        if (exit.code != 255)
            result.how = RemoteRun::How::done;
        else
            result.how = result.errors.find("timed out") != std::string::npos
                             ? RemoteRun::How::no_answer
                             : RemoteRun::How::ssh_failed;
        break;
    }
    return result;
}

} // namespace pmxsnap::host
