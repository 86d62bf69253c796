#include "pmxsnap/host/child.hpp"

#include "pmxsnap/util/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

extern char** environ;

namespace pmxsnap::host {
namespace {

using Clock = std::chrono::steady_clock;

// A pidfd becomes readable when the child exits, so the deadline is one
// poll() and no busy loop (Linux 5.3; older kernels fall back to polling
// waitpid every 10 ms).
int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

ChildExit exit_of(int status) {
    if (WIFEXITED(status))
        return {ChildExit::How::exited, WEXITSTATUS(status)};
    return {ChildExit::How::signalled, WIFSIGNALED(status) ? WTERMSIG(status) : 0};
}

// true when the child exited (status filled), false when the deadline passed.
bool wait_until(pid_t pid, std::optional<Clock::time_point> deadline, int& status) {
    int pidfd = deadline ? open_pidfd(pid) : -1;
    for (;;) {
        pid_t done = ::waitpid(pid, &status, deadline ? WNOHANG : 0);
        if (done == pid || (done < 0 && errno != EINTR)) {
            if (pidfd >= 0)
                ::close(pidfd);
            return done == pid;
        }
        if (!deadline || done < 0)
            continue;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
        if (left.count() <= 0) {
            if (pidfd >= 0)
                ::close(pidfd);
            return false;
        }
        if (pidfd >= 0) {
            pollfd p{pidfd, POLLIN, 0};
            ::poll(&p, 1, static_cast<int>(left.count()));
        } else {
            std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(10)));
        }
    }
}

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        // MSG_NOSIGNAL: a child that exited early is EPIPE, not a SIGPIPE
        // that would end pmxsnap.
        ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // the child closed its stdin: it reports what it missed
        done += static_cast<std::size_t>(n);
    }
}

} // namespace

std::string ChildExit::describe() const {
    switch (how) {
    case How::exited:
        return "exited " + std::to_string(code);
    case How::signalled:
        return "killed by signal " + std::to_string(code);
    case How::timed_out:
        return "did not finish in time (killed)";
    case How::not_started:
        return "could not be started: " + errno_text(code);
    }
    return "?";
}

Child::Child(const ChildSpec& spec) {
    // stdin is a socket pair rather than a pipe for MSG_NOSIGNAL above.
    int in[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
        start_failure_ = {ChildExit::How::not_started, errno};
        return;
    }
    // The write end never blocks the parent: the input is small, and a
    // child that does not read it must not stall pmxsnap.
    ::fcntl(in[1], F_SETFL, O_NONBLOCK);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if (spec.capture) {
        if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
            start_failure_ = {ChildExit::How::not_started, errno};
            for (int fd : {in[0], in[1], out[0], out[1]})
                if (fd >= 0)
                    ::close(fd);
            posix_spawn_file_actions_destroy(&actions);
            return;
        }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    } else if (spec.output_to_stderr) {
        posix_spawn_file_actions_adddup2(&actions, 2, 1);
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    }
    std::vector<char*> argv, envp;
    for (const auto& arg : spec.argv)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    for (char** e = environ; e && *e; ++e)
        envp.push_back(*e);
    for (const auto& e : spec.extra_env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    if (spec.capture) {
        ::close(out[1]);
        ::close(err[1]);
        out_fd_ = out[0];
        err_fd_ = err[0];
        limit_ = spec.capture_limit;
    }
    if (rc != 0) {
        close_captures();
        ::close(in[1]);
        start_failure_ = {ChildExit::How::not_started, rc};
        return;
    }
    pid_ = pid;
    write_all(in[1], spec.input);
    ::close(in[1]);
}

Child::Child(Child&& other) noexcept
    : pid_(other.pid_)
    , start_failure_(other.start_failure_)
    , out_fd_(other.out_fd_)
    , err_fd_(other.err_fd_)
    , limit_(other.limit_)
    , output_(std::move(other.output_))
    , errors_(std::move(other.errors_)) {
    other.pid_ = other.out_fd_ = other.err_fd_ = -1;
}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        if (pid_ > 0)
            wait(Clock::now());
        close_captures();
        pid_ = other.pid_;
        start_failure_ = other.start_failure_;
        out_fd_ = other.out_fd_;
        err_fd_ = other.err_fd_;
        limit_ = other.limit_;
        output_ = std::move(other.output_);
        errors_ = std::move(other.errors_);
        other.pid_ = other.out_fd_ = other.err_fd_ = -1;
    }
    return *this;
}

Child::~Child() {
    if (pid_ > 0)
        wait(Clock::now());
    close_captures();
}

void Child::close_captures() {
    for (int* fd : {&out_fd_, &err_fd_})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
}

// Reads both pipes until the child closes them (it exited, or handed them
// to nobody) or the deadline passes. What is beyond the limit is dropped.
void Child::drain(std::optional<Clock::time_point> deadline) {
    while (out_fd_ >= 0 || err_fd_ >= 0) {
        int timeout = -1;
        if (deadline) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
            if (left.count() <= 0)
                return;
            timeout = static_cast<int>(left.count());
        }
        pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
        if (::poll(fds, 2, timeout) <= 0)
            continue; // EINTR or the deadline: checked above
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char buffer[8192];
            ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            auto& text = i == 0 ? output_ : errors_;
            if (n > 0) {
                text.append(buffer, std::min(static_cast<std::size_t>(n),
                                             limit_ - std::min(limit_, text.size())));
                continue;
            }
            ::close(fds[i].fd);
            (i == 0 ? out_fd_ : err_fd_) = -1;
        }
    }
}

ChildExit Child::wait(std::optional<Clock::time_point> deadline) {
    if (pid_ <= 0)
        return start_failure_;
    int status = 0;
    pid_t pid = pid_;
    pid_ = -1;
    drain(deadline);
    close_captures();
    if (wait_until(pid, deadline, status))
        return exit_of(status);
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return {ChildExit::How::timed_out, 0};
}

} // namespace pmxsnap::host
