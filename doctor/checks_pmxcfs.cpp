#include "checks.hpp"

#include <fmt/format.h>

#include <set>

namespace pmxsnap::doctor {
namespace {

// "fix corosync and quorum first" only when one of them is not ok.
std::string before_pmxcfs(bool lower_layers_ok) {
    return lower_layers_ok ? "corosync and quorum are ok: read `journalctl -u pve-cluster -b` "
                             "(DB load failed? see pmxcfs.db), then `systemctl restart "
                             "pve-cluster`"
                           : "fix corosync and quorum first, then `systemctl restart "
                             "pve-cluster`";
}

Finding check_mount(const Inputs& in, bool lower_layers_ok) {
    if (!in.probed_host)
        return skipped("pmxcfs.mount", Layer::pmxcfs, "--offline or --root: no mounts to read");
    Finding f{"pmxcfs.mount", Layer::pmxcfs};
    if (!in.pve_mount) {
        f.status = Status::fail;
        f.evidence = {{"mounted", false}};
        f.meaning = "nothing is mounted on /etc/pve: what is there is an empty directory, not the "
                    "cluster's files";
        f.decision = "do not edit /etc/pve now; " + before_pmxcfs(lower_layers_ok);
        return f;
    }
    const auto& mount = *in.pve_mount;
    f.evidence = {{"mounted", true},
                  {"fs_type", mount.fs_type},
                  {"source", mount.source},
                  {"read_only", mount.read_only}};
    bool is_fuse = mount.fs_type == "fuse" || mount.fs_type.starts_with("fuse.");
    if (is_fuse && !mount.read_only) {
        f.meaning = "pmxcfs is mounted on /etc/pve (read-write when quorate)";
        return f;
    }
    f.status = Status::fail;
    f.meaning = is_fuse ? "/etc/pve is mounted read-only"
                        : fmt::format("/etc/pve is a {} mount, not pmxcfs (fuse)", mount.fs_type);
    f.decision = "do not edit /etc/pve until pmxcfs has it mounted read-write; " +
                 before_pmxcfs(lower_layers_ok);
    return f;
}

// /etc/pve/nodes/<name> exists for every node pmxcfs has seen.
Finding check_node_directories(const Inputs& in) {
    const auto* config = in.effective_config();
    if (!in.tree || !config)
        return skipped("pmxcfs.nodes", Layer::pmxcfs, "no readable db or no parsable nodelist");
    Finding f{"pmxcfs.nodes", Layer::pmxcfs};
    std::set<std::string> directories, nodelist;
    for (const auto& entry : in.tree->paths()) {
        std::string_view path = entry.path;
        if (path.starts_with("nodes/") && entry.entry->is_directory() &&
            path.find('/', 6) == std::string_view::npos)
            directories.insert(std::string(path.substr(6)));
    }
    for (const auto& node : config->nodes)
        nodelist.insert(node.name);
    std::vector<std::string> missing, extra;
    for (const auto& name : nodelist)
        if (!directories.count(name))
            missing.push_back(name);
    for (const auto& name : directories)
        if (!nodelist.count(name))
            extra.push_back(name);
    f.evidence = {{"nodelist", nodelist}, {"node_directories", directories}};
    if (missing.empty() && extra.empty()) {
        f.meaning = "/etc/pve/nodes has a directory for every node of the nodelist, and no other";
        return f;
    }
    f.status = Status::warn;
    f.evidence["missing"] = missing;
    f.evidence["extra"] = extra;
    f.meaning = fmt::format("node directories and nodelist disagree (missing: {}; extra: {}): a "
                            "node that never synced, a partition, or a removed node's leftovers",
                            missing.empty() ? "none" : fmt::format("{}", fmt::join(missing, ", ")),
                            extra.empty() ? "none" : fmt::format("{}", fmt::join(extra, ", ")));
    f.decision = "compare with `pvecm nodes` on a quorate node; a removed node's directory can be "
                 "moved away once its guests are elsewhere";
    return f;
}

} // namespace

std::vector<Finding> check_pmxcfs(const Inputs& in, bool lower_layers_ok) {
    return {check_mount(in, lower_layers_ok), check_node_directories(in)};
}

} // namespace pmxsnap::doctor
