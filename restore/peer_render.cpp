// The peer's facts as the plan shows them: in its text, and as the "peer"
// object of pmxsnap.restore-plan/1 (man pmxsnap-restore names every field).
#include "peer_facts.hpp"

#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>

namespace pmxsnap::restore {
namespace {

nlohmann::json corosync_json(const PeerFacts& facts) {
    if (!facts.quorum)
        return {{"answered", false}, {"problem", facts.corosync_problem}};
    const auto& q = *facts.quorum;
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : q.members)
        members.push_back(
            {{"nodeid", m.nodeid}, {"votes", m.votes}, {"name", m.name}, {"local", m.local}});
    return {{"answered", true},
            {"problem", nullptr},
            {"quorate", json_or_null(q.quorate)},
            {"expected_votes", json_or_null(q.expected_votes)},
            {"total_votes", json_or_null(q.total_votes)},
            {"quorum", json_or_null(q.quorum)},
            {"flags", q.flags},
            {"members", members}};
}

std::string names(const std::vector<std::string>& list) {
    return list.empty() ? std::string("none") : fmt::format("{}", fmt::join(list, ", "));
}

} // namespace

nlohmann::json PeerFacts::to_json(const std::string& node, std::int64_t archive_version) const {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& n : nodelist) {
        auto ring0 = n.ring_addresses.find(0);
        nodes.push_back(
            {{"nodeid", n.nodeid},
             {"name", n.name},
             {"ring0_addr", ring0 == n.ring_addresses.end() ? nlohmann::json(nullptr)
                                                            : nlohmann::json(ring0->second)}});
    }
    auto newer = newer_db(archive_version);
    return {{"host", host},
            {"name", name()},
            {"elapsed_ms", elapsed_ms},
            {"corosync", corosync_json(*this)},
            {"cluster_alive", cluster_alive()},
            {"nodelist", nodes},
            {"node", node},
            {"node_in_nodelist", lists(node)},
            {"node_is_member", has_member(node)},
            {"db",
             {{"pmxsnap", pmxsnap_found},
              {"version", json_or_null(db_version)},
              {"problem", text_or_null(db_problem)},
              {"archive_version", archive_version},
              {"newer", text_or_null(newer)}}}};
}

std::vector<std::string> PeerFacts::text(const std::string& node,
                                         std::int64_t archive_version) const {
    std::vector<std::string> out;
    out.push_back(fmt::format("peer {} ({}), asked over SSH in {:.1f} s, read-only:", host, name(),
                              static_cast<double>(elapsed_ms) / 1000));
    if (quorum) {
        std::vector<std::string> members;
        for (const auto& m : quorum->members)
            members.push_back(m.name);
        out.push_back(
            fmt::format("  quorum: {}, {} members ({}), {} of {} expected votes, quorum {}",
                        quorum->quorate.value_or(false) ? "quorate" : "NOT quorate",
                        quorum->members.size(), names(members), quorum->total_votes.value_or(0),
                        quorum->expected_votes.value_or(0), quorum->quorum.value_or(0)));
    } else {
        out.push_back("  quorum: its corosync does not answer: " + corosync_problem);
    }
    std::vector<std::string> listed;
    listed.reserve(nodelist.size());
    for (const auto& n : nodelist)
        listed.push_back(n.name);
    out.push_back(fmt::format("  nodelist: {}; {} {}", names(listed), node,
                              !lists(node)       ? "is not in it"
                              : has_member(node) ? "is in it, a joined member"
                                                 : "is in it, not a member now"));
    auto newer = newer_db(archive_version);
    if (newer.empty())
        out.push_back(fmt::format("  db: unknown ({}); the archive's version {}", db_problem,
                                  archive_version));
    else
        out.push_back(fmt::format(
            "  db: the peer's version {}, the archive's {}: {}{}", *db_version, archive_version,
            newer == "same"   ? "the same"
            : newer == "peer" ? "the peer's is newer (the cluster changed since the archive)"
                              : "the archive's is newer (it holds changes the cluster lacks)",
            db_problem.empty() ? "" : "; " + db_problem));
    return out;
}

} // namespace pmxsnap::restore
