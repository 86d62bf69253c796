// PmxcfsSandbox: the real pmxcfs in local mode (`pmxcfs -l -f`) serving a
// db from a private scratch directory, in new mount, network, UTS and IPC
// namespaces, so that nothing of the host can see it or be touched by it:
//
// - the mount namespace is made private (recursively) before anything else,
//   and pmxcfs is never started when that fails: pmxcfs force-unmounts
//   /etc/pve at start, which on a shared mount would reach the host's;
// - /etc and /var/lib are overlays whose upper layers live on a tmpfs of the
//   namespace, so /etc/pve, /etc/hosts (the node's name must resolve to a
//   non-loopback address) and /var/lib/pve-cluster can exist there without
//   one byte written under the host's /etc or /var/lib; the host's /etc/pve
//   (a FUSE mount on a Proxmox node) is hidden below the overlay;
// - /run and /dev/shm (pmxcfs's IPC) are the namespace's own tmpfs; its
//   host name is the archived node's; its network has no interface up, so
//   it cannot reach the host's corosync or anything else;
// - pmxcfs (which does not fork with -f) is the only process in the
//   namespaces: when it dies, the kernel ends them and every mount in them.
//   It is killed with pmxsnap too (PR_SET_PDEATHSIG), so it never outlives
//   the drill.
//
// What it serves is read through /proc/PID/root/etc/pve. A watchdog kills
// pmxcfs at the deadline, which also ends any read of /etc/pve waiting on it
// (the FUSE connection is aborted when its daemon dies).
#pragma once

#include "pmxsnap/util/file.hpp"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace pmxsnap::host {

struct SandboxSpec {
    fs::path pmxcfs;  // the binary
    fs::path scratch; // private (0700); lib/config.db is the db to serve
    std::string node; // the host name pmxcfs runs as (its `local` link)
    std::chrono::steady_clock::time_point deadline; // for the start and everything after
};

class PmxcfsSandbox {
  public:
    enum class State {
        serving, // /etc/pve is mounted
        exited,  // pmxcfs exited before it mounted /etc/pve (it refused the db)
        hung,    // not mounted by the deadline; killed
    };

    // Starts pmxcfs and waits until it serves, exits or the deadline passes.
    // Throws pmxsnap::Error when the namespaces cannot be made (not root, no
    // overlay or FUSE support): pmxcfs is then never started.
    explicit PmxcfsSandbox(const SandboxSpec& spec);
    PmxcfsSandbox(const PmxcfsSandbox&) = delete;
    PmxcfsSandbox& operator=(const PmxcfsSandbox&) = delete;
    ~PmxcfsSandbox(); // stop()

    State state() const { return state_; }
    // /etc/pve as pmxcfs serves it (valid while serving).
    fs::path served() const;
    pid_t pid() const { return pid_; }
    // pmxcfs still runs (false after it died or was killed).
    bool running();
    // Whether the watchdog killed it at the deadline.
    bool killed_at_deadline();
    // pmxcfs's own last lines (its log, stdout and stderr), at most lines.
    std::string log_tail(std::size_t lines) const;
    // SIGTERM, up to three seconds for pmxcfs to unmount and exit, then
    // SIGKILL; reaps it. Idempotent; never throws.
    void stop() noexcept;

  private:
    void start(const SandboxSpec& spec);
    void wait_until_serving();
    bool reap(bool block);
    void watch();

    SandboxSpec spec_;
    pid_t pid_ = -1;
    bool reaped_ = false;
    State state_ = State::hung;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool watching_ = true;
    bool deadline_kill_ = false;
    std::thread watchdog_;
};

std::string to_string(PmxcfsSandbox::State state);

} // namespace pmxsnap::host
