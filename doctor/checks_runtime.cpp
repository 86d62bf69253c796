#include "checks.hpp"
#include "situation.hpp"

#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>

namespace pmxsnap::doctor {
namespace {

// Hung (the process runs, its IPC accepts and never answers) and stopped
// (no process, or no socket) are different incidents with different advice.
Finding check_cmap(const Inputs& in) {
    if (!in.live)
        return skipped("runtime.cmap", Layer::corosync, "--offline or --root: no live probe");
    Finding f{"runtime.cmap", Layer::corosync};
    f.evidence = {{"reachable", in.live->reachable}, {"error", in.live->error}};
    if (in.live->reachable) {
        f.meaning = "corosync answers on its IPC (CMAP)";
        return f;
    }
    f.status = Status::fail;
    const auto& process = in.corosync_process;
    if (process) {
        f.evidence["process"] = {{"pid", process->pid}};
        if (process->status) {
            f.evidence["process"]["state"] = process->status->state;
            f.evidence["process"]["threads"] = process->status->threads;
        }
    } else if (in.probed_host) {
        f.evidence["process"] = nullptr;
    }
    if (in.live->hung) {
        auto state = process && process->status ? process->status->state : std::string("unknown");
        f.meaning =
            fmt::format("corosync is hung, not stopped: it {} but did not answer "
                        "within the deadline; pve-cluster and every CMAP client hang "
                        "with it",
                        process ? fmt::format("runs (pid {}, state {}, {} threads)", process->pid,
                                              state, process->status ? process->status->threads : 0)
                                : "accepts connections on its IPC");
        auto pid = process ? std::to_string(process->pid) : std::string("$(pidof corosync)");
        f.decision =
            state.starts_with("T")
                ? fmt::format("it was stopped by a signal (state {}): `kill -CONT {}` resumes "
                              "it; if it still does not answer, restart it (`systemctl restart "
                              "corosync`)",
                              state, pid)
                : fmt::format("see where it waits (`cat /proc/{0}/status`, `ls /proc/{0}/task`, "
                              "`cat /proc/{0}/stack`) and keep that, then restart it: "
                              "`systemctl restart corosync` (starting it again does nothing: it "
                              "runs)",
                              pid);
        return f;
    }
    f.meaning = in.live->error + ": the \"cannot initialize CMAP service\" errors of pve-cluster "
                                 "are a symptom, not the disease";
    if (in.probed_host && !process)
        f.meaning = "corosync is stopped (no corosync process runs on this node): the \"cannot "
                    "initialize CMAP service\" errors of pve-cluster are a symptom, not the "
                    "disease";
    f.decision = "read why it stopped (`journalctl -u corosync -b`), check the config (conf.*) "
                 "and the network (net.*), then start it (`systemctl start corosync`); start "
                 "nothing above it first";
    if (process)
        f.decision = "corosync runs but refuses its IPC: look for a restart loop "
                     "(`journalctl -u corosync -b`) and stale sockets under /run/corosync";
    return f;
}

Finding check_quorum(const Inputs& in) {
    if (!in.live || !in.live->reachable)
        return skipped("quorum.state", Layer::quorum, "corosync not probed or not reachable");
    Finding f{"quorum.state", Layer::quorum};
    f.evidence = {{"quorate", json_or_null(in.live->quorate)},
                  {"expected_votes", json_or_null(in.live->expected_votes)},
                  {"total_votes", json_or_null(in.live->total_votes)},
                  {"members", in.live->joined_members()}};
    if (in.live->quorate.value_or(false)) {
        f.meaning = "quorate: /etc/pve can be written";
        return f;
    }
    f.status = Status::fail;
    f.meaning = fmt::format("not quorate ({} of {} expected votes): /etc/pve is read-only",
                            in.live->total_votes.value_or(0), in.live->expected_votes.value_or(0));
    auto s = assess(in);
    if (s.cut_off())
        f.decision = "this node is cut off from its peers (net.ring-addr, runtime.links): fix "
                     "this node's network. The other nodes may well be quorate without it: "
                     "force nothing here";
    else if (s.shown_last_alive())
        f.decision = fmt::format(
            "no peer's host ({}) answers on the ring network while this node's link has "
            "carrier: they are down, or the switch between is. Only if their consoles show "
            "them powered off is this node the last one alive: then `pvecm expected 1` makes "
            "/etc/pve writable here; undo it (`pvecm expected {}`) before they return",
            fmt::join(s.peers_gone, ", "), in.live->expected_votes.value_or(0));
    else if (!s.peers_stopped.empty())
        f.decision = fmt::format("corosync does not run on {} (their hosts answer on the ring "
                                 "network): run `pmxsnap doctor` there and start corosync once "
                                 "its config is right",
                                 fmt::join(s.peers_stopped, ", "));
    else
        f.decision = "find the missing voters (down, isolated or misconfigured) by running "
                     "`pmxsnap doctor` on them";
    return f;
}

} // namespace

std::vector<Finding> check_runtime(const Inputs& in) {
    return {check_cmap(in), check_config_version(in), check_quorum(in)};
}

} // namespace pmxsnap::doctor
