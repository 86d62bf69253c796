// Another program run as a child of pmxsnap — curl for a notify-url ping,
// the operator's post-command — started without a shell unless asked,
// waited for with a deadline and killed (SIGKILL, by its pid) when it passes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::host {

struct ChildSpec {
    std::vector<std::string> argv;      // argv[0] is looked up in PATH
    std::vector<std::string> extra_env; // NAME=VALUE, added to pmxsnap's environment
    std::string input;                  // written to its stdin (small: < 64 KiB), then EOF
    bool output_to_stderr = false;      // its stdout to our stderr; else both to /dev/null
    // Keep its stdout and stderr instead (each up to capture_limit bytes;
    // what comes beyond is read and dropped, so the child never blocks).
    bool capture = false;
    std::size_t capture_limit = 1 << 20;
};

struct ChildExit {
    enum class How { exited, signalled, timed_out, not_started } how = How::not_started;
    int code = 0;                 // exit status, signal number, or errno of a failed start
    std::string describe() const; // "exited 3", "killed by signal 9", ...
    bool success() const { return how == How::exited && code == 0; }
};

class Child {
  public:
    Child() = default;
    explicit Child(const ChildSpec& spec); // never throws; a failed start is its exit
    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child(); // a child still running is killed and reaped

    bool started() const { return pid_ > 0; }
    // Waits until it exits or the deadline passes (then kills it); nullopt
    // deadline: no bound.
    ChildExit wait(std::optional<std::chrono::steady_clock::time_point> deadline);
    // With capture: what it wrote until it exited or was killed.
    const std::string& output() const { return output_; }
    const std::string& errors() const { return errors_; }

  private:
    pid_t pid_ = -1;
    ChildExit start_failure_;
    int out_fd_ = -1, err_fd_ = -1; // read ends, with capture
    std::size_t limit_ = 0;
    std::string output_, errors_;
    void drain(std::optional<std::chrono::steady_clock::time_point> deadline);
    void close_captures();
};

} // namespace pmxsnap::host
