// Read-only commands run on a cluster peer over SSH, for the facts only the
// peer has (its quorum, its nodelist, its db's version). ssh runs in batch
// mode (never a prompt), refuses unknown or changed host keys unless the
// operator's options say otherwise, forwards nothing, and every command is
// bounded twice: here by one deadline for the whole conversation (ssh is
// killed when it passes), and on the peer by `timeout` for what is left of it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pmxsnap::host {

struct PeerShellOptions {
    std::string destination;              // [user@]host; never starts with '-'
    std::vector<std::string> ssh_options; // each passed as -o OPTION
    std::chrono::milliseconds limit = std::chrono::seconds(10);
};

struct RemoteRun {
    enum class How { done, no_answer, ssh_failed, not_started } how = How::not_started;
    int code = 0;       // the remote command's exit status (How::done)
    std::string output; // its stdout
    std::string errors; // its stderr, or ssh's
    std::string last_error_line() const;
};

class PeerShell {
  public:
    // Throws pmxsnap::Error for a destination or option ssh would misread.
    explicit PeerShell(PeerShellOptions options);
    // COMMAND is a fixed string of pmxsnap's (the peer's login shell reads it).
    RemoteRun run(const std::string& command);
    std::chrono::milliseconds elapsed() const;
    const PeerShellOptions& options() const { return options_; }

  private:
    PeerShellOptions options_;
    std::chrono::steady_clock::time_point start_, deadline_;
};

} // namespace pmxsnap::host
