#include "pmxsnap/corosync/live_cluster.hpp"

#include "live_reads.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace pmxsnap::corosync {
namespace {

LiveView unreachable(std::string error) {
    LiveView view;
    view.error = std::move(error);
    return view;
}

std::optional<std::string> read_child(int fd, pid_t child, std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(child, SIGKILL);
            return std::nullopt;
        }
        pollfd p{fd, POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left.count()));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc == 0)
            continue;
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

std::size_t LiveView::joined_members() const {
    std::size_t joined = 0;
    for (const auto& member : members)
        joined += member.status == "joined" ? 1 : 0;
    return joined;
}

// Why a child process: corosync's client calls block on IPC without a
// timeout of their own; a corosync that accepts the connection and never
// answers would hang us. The child reads, writes JSON to a pipe and exits;
// the parent waits a bounded time and kills it otherwise.
LiveView probe_live_cluster(std::chrono::milliseconds timeout) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        return unreachable("cannot create a pipe for the corosync probe");
    pid_t child = ::fork();
    if (child < 0)
        return unreachable("cannot fork the corosync probe");
    if (child == 0) {
        ::close(pipe_fds[0]);
        auto text = detail::read_live_view().to_json().dump();
        std::size_t done = 0;
        while (done < text.size()) {
            ssize_t n = ::write(pipe_fds[1], text.data() + done, text.size() - done);
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    auto text = read_child(pipe_fds[0], child, timeout);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!text)
        return unreachable("corosync did not answer within " + std::to_string(timeout.count()) +
                           " ms (its IPC accepts connections but hangs)");
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded())
        return unreachable("the corosync probe died without an answer");
    return LiveView::from_json(json);
}

} // namespace pmxsnap::corosync
