// The healthchecks-style ping of `notify-url` (healthchecks.io's protocol,
// which self-hosted healthchecks and Uptime Kuma's push monitors follow too):
// URL/start when a run begins, URL when it succeeded, URL/fail with its
// reason as the body when it failed. Bounded in time and never failing the
// run: whatever goes wrong comes back as warnings.
#pragma once

#include "pmxsnap/host/child.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace pmxsnap::host {

class HealthPing {
  public:
    // What a ping may add to a run: finish() returns within this.
    static constexpr std::chrono::seconds finish_budget{5};

    explicit HealthPing(std::string url); // empty: no pings at all
    bool enabled() const { return !url_.empty(); }
    // Sends URL/start and returns at once: it goes while the run works.
    void start();
    // Waits for the start ping, then sends URL (success) or URL/fail with
    // `reason` as the body; returns within finish_budget.
    void finish(bool success, const std::string& reason);
    const std::vector<std::string>& warnings() const { return warnings_; }

    // Throws pmxsnap::Error unless url is http:// or https:// with a host.
    static void check_url(const std::string& url);
    // scheme://host/… : the path of a check's URL is its secret.
    static std::string shown(const std::string& url);

  private:
    Child send(const std::string& suffix, const std::string& body,
               std::chrono::milliseconds max_time);
    void record(const std::string& what, const ChildExit& exit);

    std::string url_;
    Child start_;
    bool start_sent_ = false;
    std::vector<std::string> warnings_;
};

} // namespace pmxsnap::host
