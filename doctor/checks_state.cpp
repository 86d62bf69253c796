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
#include <map>
#include <string_view>

namespace pmxsnap::doctor {
namespace {

// A snapshot's authkey digest; nullopt when it has none or is encrypted and
// no identity was given. An archive that cannot be read says why in problem
// (the finding's evidence), never silently.
std::optional<std::string> snapshot_authkey(const repo::Snapshot& snapshot,
                                            const std::string& identity, std::string& problem) {
    if (snapshot.encrypted && identity.empty())
        return std::nullopt;
    try {
        archive::ArchiveInput input(snapshot.archive, identity);
        archive::Reader reader(input.source());
        return reader.manifest().authkeys.corosync;
    } catch (const ErrorBase& e) {
        problem = e.what();
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

// The cluster's authkey is the one most nodes have (this node's live key
// and every other node's newest snapshot); only the nodes that differ from
// it are named, with how many snapshots were compared.
Finding check_authkey(const Inputs& in) {
    if (!in.authkey_sha256)
        return skipped("auth.authkey", Layer::corosync, "no /etc/corosync/authkey");
    if (in.newest_per_node.empty())
        return skipped("auth.authkey", Layer::corosync, "no snapshots to compare with (--repo)");
    Finding f{"auth.authkey", Layer::corosync};
    f.evidence["this_node"] = in.authkey_sha256->substr(0, 16);
    std::map<std::string, std::string> digests; // node → digest; this node: its live key
    std::optional<std::string> own;             // this node's newest snapshot
    std::size_t compared = 0;
    for (const auto& snapshot : in.newest_per_node) {
        std::string problem;
        auto digest = snapshot_authkey(snapshot, in.identity, problem);
        if (!problem.empty())
            f.evidence["unreadable"][snapshot.node] = problem;
        if (!digest)
            continue;
        ++compared;
        f.evidence["snapshots"][snapshot.node] = digest->substr(0, 16);
        if (snapshot.node != in.node)
            digests[snapshot.node] = *digest;
        else
            own = *digest;
    }
    f.evidence["compared_snapshots"] = compared;
    if (digests.empty()) { // no other node's snapshot: only this node's own history
        if (!own || *own == *in.authkey_sha256) {
            f.meaning = own ? "the authkey matches this node's newest snapshot (no other node's "
                              "snapshot to compare with)"
                            : "no snapshot's authkey could be read to compare with";
            return f;
        }
        f.status = Status::fail;
        f.evidence["differs_from"] = {in.node};
        f.meaning = "this node's authkey changed since its newest snapshot (1 snapshot compared, "
                    "none of another node): if the others kept the old one, \"nsscrypto: Digest "
                    "does not match\" in the log and this node stays alone";
        f.decision = "copy /etc/corosync/authkey (0400 root) from a node that is in the "
                     "membership and restart corosync on this node only (RECOVERY.md §5)";
        return f;
    }
    digests[in.node] = *in.authkey_sha256;
    std::map<std::string, std::size_t> votes;
    for (const auto& [node, digest] : digests)
        ++votes[digest];
    auto best = std::max_element(votes.begin(), votes.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    bool tie = std::count_if(votes.begin(), votes.end(),
                             [&best](const auto& v) { return v.second == best->second; }) > 1;
    std::vector<std::string> differing, agreeing;
    for (const auto& [node, digest] : digests)
        (digest == best->first ? agreeing : differing).push_back(node);
    if (differing.empty()) {
        f.meaning = fmt::format("the authkey matches the newest snapshots of the other nodes ({} "
                                "snapshots compared)",
                                compared);
        return f;
    }
    f.evidence["differs_from"] = differing;
    f.status = Status::fail;
    if (tie) {
        f.meaning = fmt::format("the nodes' authkeys disagree with no majority ({} snapshots "
                                "compared): {}",
                                compared, fmt::join(differing, ", "));
        f.decision = "find the node whose corosync runs with its peers (quorate), copy its "
                     "/etc/corosync/authkey (0400 root) to the others and restart corosync there "
                     "(RECOVERY.md §5)";
        return f;
    }
    bool this_differs = std::find(differing.begin(), differing.end(), in.node) != differing.end();
    f.meaning = fmt::format(
        "{} {} an authkey other than the cluster's ({} of the {} snapshots compared agree): "
        "\"nsscrypto: Digest does not match\" in the log, {} alone in the membership",
        this_differs ? "this node (" + in.node + ")"
                     : fmt::format("{}", fmt::join(differing, ", ")),
        differing.size() == 1 ? "has" : "have", agreeing.size(), compared,
        differing.size() == 1 ? "it stays" : "each stays");
    f.decision = fmt::format("copy /etc/corosync/authkey (0400 root) from {} to {} and restart "
                             "corosync there only (RECOVERY.md §5)",
                             agreeing.front(), fmt::join(differing, ", "));
    return f;
}

} // namespace pmxsnap::doctor
