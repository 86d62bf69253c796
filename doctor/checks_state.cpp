#include "checks.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/util/file.hpp"

#include <fcntl.h>
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace pmxsnap::doctor {
namespace {

std::optional<std::string> snapshot_authkey(const repo::Snapshot& snapshot,
                                            const std::string& identity) {
    if (snapshot.encrypted && identity.empty())
        return std::nullopt;
    try {
        archive::ArchiveInput input(snapshot.archive, identity);
        archive::Reader reader(input.source());
        return reader.manifest().authkeys.corosync;
    } catch (const ErrorBase&) {
        return std::nullopt;
    }
}

// "<how> the last good snapshot, <file>: `pmxsnap restore plan latest-good`",
// or, with none marked good, where to look instead of a command pmxsnap
// would refuse.
std::string restore_db_decision(const Inputs& in, std::string_view how) {
    if (auto reference = last_good_snapshot(in))
        return fmt::format("{} {}: `pmxsnap restore plan latest-good`", how, *reference);
    return fmt::format("{} a snapshot from before the damage: none of this node is marked good, "
                       "so pick one that `pmxsnap list` shows and give its path to restore plan",
                       how);
}

} // namespace

Finding check_db(const Inputs& in) {
    Finding f{"pmxcfs.db", Layer::pmxcfs};
    if (in.db_error) {
        f.status = Status::fail;
        f.evidence = {{"error", *in.db_error}};
        f.meaning = "pmxcfs cannot load a database it cannot read (\"DB load failed\")";
        f.decision = restore_db_decision(in, "restore the db from");
        return f;
    }
    auto [violations, write_limits] = configdb::check_rules(*in.tree);
    for (const auto& v : violations)
        f.evidence["violations"].push_back(
            fmt::format("{} (pmxcfs {}): {}", v.rule, to_string(v.effect), v.message));
    for (const auto& v : write_limits)
        f.evidence["write_limits"].push_back(fmt::format("{}: {}", v.rule, v.message));
    for (const auto& problem : in.db_integrity_problems)
        f.evidence["integrity_check"].push_back(problem);
    f.evidence["root_version"] = in.tree->root_version() ? in.tree->root_version()->version : 0;
    if (violations.empty() && in.db_integrity_problems.empty()) {
        if (write_limits.empty()) {
            f.meaning = "integrity_check ok; pmxcfs loads this db and serves every entry";
            return f;
        }
        f.status = Status::warn;
        f.meaning = "pmxcfs loads this db and serves every entry, with caveats (see "
                    "write_limits: a file it will not let grow past 1 MiB, a statfs capacity "
                    "exceeded, a __version__ row it writes at start)";
        return f;
    }
    f.status = Status::fail;
    bool refuses = !in.db_integrity_problems.empty() ||
                   std::any_of(violations.begin(), violations.end(), [](const auto& v) {
                       return v.effect == configdb::Effect::refuses_start;
                   });
    f.meaning = refuses ? "pmxcfs refuses to load this db (\"DB load failed\", \"memdb_open "
                          "failed\")"
                        : "pmxcfs starts with this db but entries are missing from /etc/pve "
                          "(see violations)";
    f.decision = restore_db_decision(in, "stop pve-cluster, keep the broken db aside, restore");
    return f;
}

Finding check_authkey(const Inputs& in) {
    if (!in.authkey_sha256)
        return skipped("auth.authkey", Layer::corosync, "no /etc/corosync/authkey");
    if (in.newest_per_node.empty())
        return skipped("auth.authkey", Layer::corosync, "no snapshots to compare with (--repo)");
    Finding f{"auth.authkey", Layer::corosync};
    f.evidence["this_node"] = in.authkey_sha256->substr(0, 16);
    std::vector<std::string> differing;
    for (const auto& snapshot : in.newest_per_node) {
        auto digest = snapshot_authkey(snapshot, in.identity);
        if (!digest)
            continue;
        f.evidence["snapshots"][snapshot.node] = digest->substr(0, 16);
        if (*digest != *in.authkey_sha256)
            differing.push_back(snapshot.node);
    }
    if (differing.empty()) {
        f.meaning = "the authkey matches the snapshots of every node";
        return f;
    }
    f.status = Status::fail;
    f.evidence["differs_from"] = differing;
    f.meaning = "this node's authkey differs from the cluster's (\"nsscrypto: Digest does not "
                "match\" in the log): it stays alone in the membership";
    f.decision = "copy /etc/corosync/authkey (0400 root) from a known-good node and restart "
                 "corosync on the nodes that differed (RECOVERY.md §5)";
    return f;
}

} // namespace pmxsnap::doctor
