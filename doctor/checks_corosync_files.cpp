#include "checks.hpp"

#include "pmxsnap/corosync/semantic_checks.hpp"
#include "pmxsnap/corosync/truncation.hpp"
#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pmxsnap::doctor {
std::optional<std::string> last_good_snapshot(const Inputs& in) {
    if (!in.good_snapshot_file)
        return std::nullopt;
    return "the last good snapshot, " + *in.good_snapshot_file;
}

bool pve_mounted(const Inputs& in) {
    return in.probed_host && in.pve_mount &&
           (in.pve_mount->fs_type == "fuse" || in.pve_mount->fs_type.starts_with("fuse."));
}

namespace {

// Where the cluster-wide copy comes from when /etc/pve is not mounted (a
// rescue system, pmxcfs stopped): never "copy /etc/pve/corosync.conf".
std::string cluster_copy_unmounted(const Inputs& in) {
    auto reference = last_good_snapshot(in);
    std::string start = "/etc/pve is not mounted here, so there is no /etc/pve/corosync.conf to "
                        "copy: the cluster-wide copy is the one in config.db";
    if (!reference)
        return start + "; no snapshot of this node is marked good: copy a quorate node's "
                       "/etc/pve/corosync.conf";
    return fmt::format("{} (`pmxsnap diff latest-good live` shows it next to this file and {}); "
                       "restore the file from that snapshot (`pmxsnap restore file latest-good "
                       "/etc/corosync/corosync.conf`) or copy a quorate node's "
                       "/etc/pve/corosync.conf",
                       start, *reference);
}

// The last good snapshot, never merely the newest: after the damage the
// automation's next snapshot holds the broken file (marked bad).
std::string compare_hint(const Inputs& in) {
    auto reference = last_good_snapshot(in);
    if (!reference)
        return "no snapshot of this node is marked good to compare with: repair the file from "
               "another node's /etc/corosync/corosync.conf or from /etc/pve/corosync.conf";
    return fmt::format("compare with {} (`pmxsnap diff latest-good live`), and restore the file "
                       "from it (`pmxsnap restore file latest-good /etc/corosync/corosync.conf`)",
                       *reference);
}

std::optional<std::uint64_t> version_of(const CorosyncCopy& copy) {
    if (copy.parsed && copy.parsed->ok())
        return copy.parsed->config->config_version;
    return std::nullopt;
}

Finding check_parse(const Inputs& in) {
    Finding f{"conf.parse", Layer::corosync, Status::ok};
    const auto& local = in.local;
    if (local.oversize) {
        f.status = Status::fail;
        f.evidence = {
            {"file", local.name}, {"size", *local.oversize}, {"limit", corosync::max_conf_bytes}};
        f.meaning =
            corosync::oversize_conf_meaning(*local.oversize) + "; corosync cannot start with it";
        f.decision = "keep it aside for a look (what wrote it?), then " + compare_hint(in);
        return f;
    }
    if (local.text && local.text->find('\0') != std::string::npos) {
        auto nuls = std::count(local.text->begin(), local.text->end(), '\0');
        f.status = Status::fail;
        f.evidence = {{"file", local.name}, {"size", local.text->size()}, {"nul_bytes", nuls}};
        f.meaning = fmt::format("not a corosync.conf: {} of its {} bytes are NUL (a file "
                                "overwritten or a disk block lost, not one cut short); corosync "
                                "refuses it",
                                nuls, local.text->size());
        f.decision = "keep it aside for a look, then " + compare_hint(in);
        return f;
    }
    if (!local.text) {
        if (!in.cluster.text)
            return skipped("conf.parse", Layer::corosync, "no corosync.conf: a standalone node");
        f.status = Status::fail;
        f.evidence = {{"file", local.name}, {"state", "missing"}};
        f.meaning = "corosync has no configuration on this node, so it cannot start";
        f.decision = pve_mounted(in) ? "copy /etc/pve/corosync.conf to "
                                       "/etc/corosync/corosync.conf, or " +
                                           compare_hint(in)
                                     : cluster_copy_unmounted(in);
        return f;
    }
    auto truncation = corosync::truncation_evidence(*local.text);
    for (const auto& e : truncation)
        f.evidence["truncation"].push_back(e.message);
    if (!local.parsed->ok()) {
        f.status = Status::fail;
        f.evidence["error"] = local.parsed->error->to_string(local.name);
        f.meaning = truncation.empty() ? "corosync refuses this file: it does not parse"
                                       : "the file was cut short (local disk corruption or an "
                                         "interrupted write), not a cluster problem";
        f.decision = "syntax first: " + compare_hint(in);
        return f;
    }
    auto findings = corosync::check_semantics(*local.parsed->config);
    for (const auto& finding : findings)
        f.evidence["findings"].push_back(finding.message);
    if (corosync::has_errors(findings)) {
        f.status = Status::fail;
        f.meaning = "the file parses, but corosync refuses to start with it";
        f.decision = "fix the errors listed, or " + compare_hint(in);
    } else {
        f.meaning = findings.empty() ? "parses as corosync parses it"
                                     : "parses; the warnings do not stop corosync";
    }
    return f;
}

// The authoritative copy: the highest valid config_version, the
// cluster-wide copy on a tie (pmxcfs copies it to /etc/corosync).
// Evidence that needs the other copy; what one copy shows alone is conf.parse's.
void add_cross_copy_evidence(std::string_view text, std::string_view other,
                             std::string_view other_name, std::vector<std::string>& problems) {
    for (const auto& e : corosync::truncation_evidence(text, other, other_name))
        if (e.id == "prefix-of-other" || e.id == "shorter-nodelist")
            problems.push_back(e.message);
}

Finding check_copies(const Inputs& in) {
    Finding f{"conf.copies", Layer::corosync, Status::ok};
    if (!in.local.text && !in.cluster.text && !in.local.oversize)
        return skipped("conf.copies", Layer::corosync, "no corosync.conf copies");
    auto local_version = version_of(in.local), cluster_version = version_of(in.cluster);
    f.evidence = {
        {"local", {{"file", in.local.name}, {"config_version", json_or_null(local_version)}}},
        {"cluster",
         {{"file", in.cluster.name}, {"config_version", json_or_null(cluster_version)}}}};
    std::vector<std::string> problems;
    bool garbage = in.local.text && in.local.text->find('\0') != std::string::npos;
    if (in.local.oversize || garbage)
        problems.push_back(
            fmt::format("{} is not a corosync.conf (see conf.parse)", in.local.name));
    if (in.local.text && in.cluster.text && !garbage) {
        add_cross_copy_evidence(*in.local.text, *in.cluster.text, in.cluster.name, problems);
        if (*in.local.text != *in.cluster.text)
            problems.emplace_back("the two copies differ");
    }
    if (in.local.text && in.last_snapshot_corosync && !garbage)
        add_cross_copy_evidence(*in.local.text, *in.last_snapshot_corosync,
                                "the last snapshot's copy", problems);
    if (problems.empty() && in.last_snapshot_problem) {
        f.status = Status::warn;
        f.evidence["last_snapshot_problem"] = *in.last_snapshot_problem;
        f.meaning = fmt::format("the live copies agree; the last snapshot's copy could not be "
                                "read to compare: {}",
                                *in.last_snapshot_problem);
        // Set only when a good snapshot was found (and could not be read).
        f.decision = fmt::format("`pmxsnap verify latest-good` says what is wrong with {}; take "
                                 "a new snapshot once the live copies are right",
                                 last_good_snapshot(in).value_or("the last good snapshot"));
        return f;
    }
    if (problems.empty()) {
        f.meaning = "the copies agree";
        return f;
    }
    f.evidence["problems"] = problems;
    bool cluster_wins = cluster_version && (!local_version || *cluster_version >= *local_version);
    const auto& winner = cluster_wins ? in.cluster.name : in.local.name;
    f.status = Status::fail;
    f.meaning =
        fmt::format("the copies disagree; the authoritative copy is {} (config_version "
                    "{}{})",
                    winner,
                    cluster_wins ? (cluster_version ? std::to_string(*cluster_version) : "?")
                                 : (local_version ? std::to_string(*local_version) : "?"),
                    cluster_wins ? ", the cluster-wide copy" : "");
    auto reference = last_good_snapshot(in);
    f.decision =
        cluster_wins && !pve_mounted(in) ? cluster_copy_unmounted(in)
        : cluster_wins
            ? "copy /etc/pve/corosync.conf over /etc/corosync/corosync.conf (keep a .bak), then "
              "restart corosync" +
                  (reference ? fmt::format("; `pmxsnap diff latest-good live` shows the change "
                                           "since {}",
                                           *reference)
                             : std::string())
            : "the local copy is newer: check it, then bring it into /etc/pve via a "
              ".new file with a higher config_version (RECOVERY.md §4)";
    return f;
}

// corosync 3 found this node by its address and runs: a hostname the
// nodelist lacks is pmxcfs's and Proxmox's problem (they know the node by
// its name), not a reason to touch corosync.
Finding name_missing_while_running(Finding f, const Inputs& in, const std::string& running_name) {
    f.layer = Layer::pmxcfs;
    bool quorate = in.live->quorate.value_or(false);
    f.evidence["running_name"] = running_name;
    f.meaning = fmt::format("corosync found this node by its address (nodeid {}, {} in the "
                            "running nodelist) and runs{}; the nodelist of {} has no entry named "
                            "{}: a pmxcfs/Proxmox problem (they know the node by its hostname), "
                            "not corosync's",
                            in.live->local_nodeid, running_name, quorate ? " quorate" : "",
                            f.evidence["file"].get<std::string>(), in.node);
    f.decision = running_name == in.node
                     ? "the file renamed this node: put its name back in the cluster-wide "
                       "/etc/pve/corosync.conf (see runtime.config-version); corosync needs "
                       "nothing"
                     : fmt::format("give the host back its nodelist name {} (/etc/hostname, "
                                   "/etc/hosts, `hostnamectl set-hostname {}`), then `systemctl "
                                   "restart pve-cluster`; a Proxmox node is not renamed by "
                                   "changing its hostname; corosync needs nothing",
                                   running_name, running_name);
    return f;
}

Finding check_node_name(const Inputs& in) {
    const CorosyncCopy& copy = in.cluster.parsed && in.cluster.parsed->ok() ? in.cluster : in.local;
    if (!copy.parsed || !copy.parsed->ok())
        return skipped("conf.nodeid-name", Layer::corosync, "no parsable corosync.conf");
    if (in.node.empty())
        return skipped("conf.nodeid-name", Layer::corosync,
                       in.node_problem.empty() ? "no hostname" : in.node_problem);
    Finding f{"conf.nodeid-name", Layer::corosync, Status::ok};
    f.evidence = {{"hostname", in.node}, {"file", copy.name}};
    const auto* node = copy.parsed->config->find_node_by_name(in.node);
    if (node) {
        f.meaning =
            fmt::format("this host is node {} in the nodelist", node->nodeid ? *node->nodeid : 0);
        return f;
    }
    f.status = Status::fail;
    if (in.live && in.live->reachable)
        for (const auto& running : in.live->nodelist)
            if (running.nodeid == in.live->local_nodeid && in.live->local_nodeid != 0)
                return name_missing_while_running(std::move(f), in, running.name);
    f.meaning = "no nodelist entry names this host: corosync logs \"No valid name found for "
                "nodeid\" and cannot join";
    f.decision = "fix the node's name (or ring0_addr) in the cluster-wide copy "
                 "/etc/pve/corosync.conf (raise config_version), or the hostname in /etc/hostname";
    return f;
}

} // namespace

std::vector<Finding> check_corosync_files(const Inputs& in) {
    return {check_parse(in), check_copies(in), check_node_name(in)};
}

} // namespace pmxsnap::doctor
