#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace pmxsnap::test {
namespace {

void set_nonblocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const RunOptions& options,
                             int in, int out, int err) {
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const auto& [key, value] : options.extra_env)
        ::setenv(key.c_str(), value.c_str(), 1);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0)
        ::_exit(127);
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
}

} // namespace

ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
        throw std::runtime_error("pipe failed");
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0)
        exec_child(argv, options, in[0], out[1], err[1]);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    set_nonblocking(in[1]);
    set_nonblocking(out[0]);
    set_nonblocking(err[0]);

    ProcessResult result;
    std::size_t written = 0;
    int in_fd = in[1];
    if (options.input.empty()) {
        ::close(in_fd);
        in_fd = -1;
    }
    auto deadline = std::chrono::steady_clock::now() + options.timeout;
    bool out_open = true, err_open = true;
    ::signal(SIGPIPE, SIG_IGN);
    while (out_open || err_open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0},
                         {err_open ? err[0] : -1, POLLIN, 0},
                         {in_fd, POLLOUT, 0}};
        if (::poll(fds, 3, static_cast<int>(std::min<long>(left.count(), 1000))) < 0 &&
            errno != EINTR)
            break;
        char buffer[65536];
        auto drain = [&](int fd, bool& open, std::string& sink) {
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n > 0)
                sink.append(buffer, static_cast<std::size_t>(n));
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                open = false;
        };
        if (fds[0].revents)
            drain(out[0], out_open, result.out);
        if (fds[1].revents)
            drain(err[0], err_open, result.err);
        if (in_fd >= 0 && fds[2].revents) {
            ssize_t n =
                ::write(in_fd, options.input.data() + written, options.input.size() - written);
            if (n > 0)
                written += static_cast<std::size_t>(n);
            if (n < 0 && errno != EAGAIN) {
                ::close(in_fd);
                in_fd = -1;
            } else if (written == options.input.size()) {
                ::close(in_fd);
                in_fd = -1;
            }
        }
    }
    if (in_fd >= 0)
        ::close(in_fd);
    ::close(out[0]);
    ::close(err[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    return result;
}

std::filesystem::path built_binary(const std::string& name) {
    for (const char* sub : {"cli", "tests/fixtures", "tests/integration", ""}) {
        auto candidate = std::filesystem::path(PMXSNAP_BINARY_DIR) / sub / name;
        if (std::filesystem::exists(candidate))
            return candidate;
    }
    throw std::runtime_error(name + " is not built under " PMXSNAP_BINARY_DIR);
}

bool have_program(const std::string& name) {
    return run({"sh", "-c", "command -v " + name + " >/dev/null"}).exit_code == 0;
}

} // namespace pmxsnap::test
