// runtime.config-version: the running config (CMAP) against the file
// corosync reads at its next start or reload. An older file is a failure
// before the restart (corosync exits on joining); an edited nodelist is
// described as what it is — pending, not in force.
#include "checks.hpp"

#include "pmxsnap/corosync/compare.hpp"
#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>

namespace pmxsnap::doctor {
namespace {

std::string restart_exit_line(std::uint64_t running, std::uint64_t file) {
    return fmt::format("Received config version ({}) is different than my config version ({})! "
                       "Exiting",
                       running, file);
}

} // namespace

Finding check_config_version(const Inputs& in) {
    if (!in.live || !in.live->reachable)
        return skipped("runtime.config-version", Layer::corosync,
                       "corosync not probed or not reachable");
    Finding f{"runtime.config-version", Layer::corosync};
    const corosync::Config* file_config =
        in.local.parsed && in.local.parsed->ok() ? &*in.local.parsed->config : nullptr;
    std::optional<std::uint64_t> file;
    if (file_config)
        file = file_config->config_version;
    auto running = in.live->config_version;
    f.evidence = {{"running", json_or_null(running)},
                  {"file", json_or_null(file)},
                  {"file_name", in.local.name}};
    std::vector<std::string> changes;
    if (file_config)
        for (const auto& change :
             corosync::compare_configs(corosync::running_config(*in.live), *file_config).nodes)
            changes.push_back(corosync::describe(change));
    if (!changes.empty())
        f.evidence["nodelist_changes"] = changes;
    if (file && running && *file < *running && *file != 0) {
        f.status = Status::fail;
        f.meaning =
            fmt::format("the file's config_version {1} is lower than the running {0} (an old copy "
                        "restored?): at its next restart corosync exits with \"{2}\"{3}",
                        *running, *file, restart_exit_line(*running, *file),
                        changes.empty() ? ""
                                        : fmt::format("; its nodelist differs too: {}",
                                                      fmt::join(changes, "; ")));
        f.decision = fmt::format(
            "do not restart corosync on this node with this file: put the running config back "
            "— the cluster's copy with config_version {} (on a quorate node "
            "/etc/pve/corosync.conf; `pmxsnap diff latest-good live` compares it with this "
            "file); an old backup replaces the running config only with its config_version "
            "raised above {}, through /etc/pve/corosync.conf",
            *running, *running);
        return f;
    }
    if (!changes.empty()) {
        bool raised = file && running && *file > *running;
        f.status = raised ? Status::warn : Status::fail;
        f.meaning = fmt::format(
            "the file's nodelist differs from the running one (CMAP): {}; config_version {}: "
            "corosync runs CMAP's nodelist, not the file's",
            fmt::join(changes, "; "),
            raised ? fmt::format("raised from {} to {}, not reloaded", *running, *file)
                   : fmt::format("not raised ({})", running ? *running : 0));
        f.decision =
            raised
                ? fmt::format("the edit is pending: `corosync-cfgtool -R` loads it on every node "
                              "whose file has config_version {0} (check the other nodes' copies "
                              "first: a node left at {1} exits at its next restart); restarting "
                              "corosync on this node alone would run it here only",
                              *file, running ? *running : 0)
                : fmt::format("a restart of corosync on this node would put the edit in force "
                              "here alone (the versions are equal: nothing stops it), and "
                              "`corosync-cfgtool -R` would load each node's own file; neither "
                              "reaches the other nodes. If the edit is meant, make it in "
                              "/etc/pve/corosync.conf with config_version {} (pmxcfs copies it "
                              "to every node), then `corosync-cfgtool -R`; if not, put the "
                              "running nodelist back (`pmxsnap diff latest-good live` shows it)",
                              running ? *running + 1 : 1);
        return f;
    }
    if (file && running && *running < *file) {
        f.status = Status::warn;
        f.meaning = fmt::format("the running corosync uses config_version {}, the file holds "
                                "{} (same nodelist)",
                                *running, *file);
        f.decision = "check the file (`pmxsnap inspect /etc/corosync/corosync.conf`), then "
                     "`corosync-cfgtool -R` to reload it";
        return f;
    }
    f.meaning = "the running config is the file's (same config_version and nodelist)";
    return f;
}

} // namespace pmxsnap::doctor
