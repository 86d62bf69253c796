#include "pmxsnap/util/bounded_call.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace pmxsnap {
namespace {

void write_fully(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += static_cast<std::size_t>(n);
    }
}

// Reads until the child closes its end; nullopt when the deadline passes.
std::optional<std::string> read_until_closed(int fd, std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        pollfd p{fd, POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left.count()));
        if (rc <= 0)
            continue; // EINTR or a spurious wake-up: the deadline decides
        char buffer[8192];
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return out;
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

} // namespace

BoundedAnswer call_bounded(const std::function<std::string()>& produce,
                           std::chrono::milliseconds timeout) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        return {};
    pid_t child = ::fork();
    if (child < 0) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        return {};
    }
    if (child == 0) {
        ::close(pipe_fds[0]);
        std::string text;
        try {
            text = produce();
        } catch (...) {
            ::_exit(1);
        }
        write_fully(pipe_fds[1], text);
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    auto text = read_until_closed(pipe_fds[0], timeout);
    ::close(pipe_fds[0]);
    if (!text)
        ::kill(child, SIGKILL);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (!text)
        return {BoundedAnswer::Outcome::timed_out, {}};
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return {BoundedAnswer::Outcome::failed, {}};
    return {BoundedAnswer::Outcome::answered, std::move(*text)};
}

} // namespace pmxsnap
