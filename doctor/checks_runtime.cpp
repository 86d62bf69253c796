#include "checks.hpp"

#include <fmt/format.h>

namespace pmxsnap::doctor {
namespace {

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
    f.meaning = in.live->error + ": the \"cannot initialize CMAP service\" errors of pve-cluster "
                                 "are a symptom, not the disease";
    f.decision = "read corosync's log (`journalctl -u corosync -b`), check the config and the "
                 "network before restarting anything else; look for restart loops and stale "
                 "sockets under /run/corosync";
    return f;
}

Finding check_config_version(const Inputs& in) {
    if (!in.live || !in.live->reachable)
        return skipped("runtime.config-version", Layer::corosync,
                       "corosync not probed or not reachable");
    Finding f{"runtime.config-version", Layer::corosync};
    std::optional<std::uint64_t> file;
    if (in.local.parsed && in.local.parsed->ok())
        file = in.local.parsed->config->config_version;
    f.evidence = {
        {"running", in.live->config_version ? nlohmann::json(*in.live->config_version) : nullptr},
        {"file", file ? nlohmann::json(*file) : nullptr}};
    if (file && in.live->config_version && *in.live->config_version < *file) {
        f.status = Status::warn;
        f.meaning = "the running corosync uses an older config than the file holds";
        f.decision = "check the file (`pmxsnap inspect /etc/corosync/corosync.conf`), then "
                     "`corosync-cfgtool -R` to reload it";
        return f;
    }
    f.meaning = "the running config is the file's";
    return f;
}

Finding check_quorum(const Inputs& in) {
    if (!in.live || !in.live->reachable)
        return skipped("quorum.state", Layer::quorum, "corosync not probed or not reachable");
    Finding f{"quorum.state", Layer::quorum};
    f.evidence = {
        {"quorate", in.live->quorate ? nlohmann::json(*in.live->quorate) : nullptr},
        {"expected_votes",
         in.live->expected_votes ? nlohmann::json(*in.live->expected_votes) : nullptr},
        {"total_votes", in.live->total_votes ? nlohmann::json(*in.live->total_votes) : nullptr},
        {"members", in.live->joined_members()}};
    if (in.live->quorate.value_or(false)) {
        f.meaning = "quorate: /etc/pve can be written";
        return f;
    }
    f.status = Status::fail;
    f.meaning = fmt::format("not quorate ({} of {} expected votes): /etc/pve is read-only",
                            in.live->total_votes.value_or(0), in.live->expected_votes.value_or(0));
    f.decision = "find the missing voters (down, isolated or misconfigured) by running doctor on "
                 "them; `pvecm expected 1` only when this node is truly alone, and undo it";
    return f;
}

} // namespace

std::vector<Finding> check_runtime(const Inputs& in) {
    return {check_cmap(in), check_config_version(in), check_quorum(in)};
}

} // namespace pmxsnap::doctor
