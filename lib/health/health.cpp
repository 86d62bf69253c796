#include "pmxsnap/health/health.hpp"

#include "pmxsnap/corosync/limits.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/corosync/truncation.hpp"
#include "pmxsnap/util/json_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace pmxsnap::health {
namespace {

constexpr std::string_view host_name = "/etc/corosync/corosync.conf";
constexpr std::string_view pve_name = "/etc/pve/corosync.conf";

// Ids and their phrases: the ids are the signed index's words (scripts match
// them, never change one), the phrases `list` shows for them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 15> phrases = {{
    {"host-corosync-truncated", "/etc/corosync/corosync.conf is cut short"},
    {"host-corosync-unparsable", "/etc/corosync/corosync.conf does not parse"},
    {"host-corosync-missing", "/etc/corosync/corosync.conf is missing"},
    {"pve-corosync-truncated", "/etc/pve/corosync.conf is cut short"},
    {"pve-corosync-unparsable", "/etc/pve/corosync.conf does not parse"},
    {"pve-corosync-missing", "/etc/pve/corosync.conf is missing"},
    {"corosync-copies-differ", "the two corosync.conf copies differ at one config_version"},
    {"host-corosync-ahead", "/etc/corosync/corosync.conf is ahead of /etc/pve's"},
    {"cluster-names-differ", "the corosync.conf copies name different clusters"},
    {"node-not-in-nodelist", "this node is not in the nodelist"},
    {"node-directory-missing", "a nodelist node has no /etc/pve/nodes directory"},
    {"db-integrity", "config.db fails integrity_check"},
    {"db-rules", "config.db breaks a pmxcfs load rule"},
    {"corosync-authkey-missing", "/etc/corosync/authkey is missing"},
    {"pve-authkey-missing", "/etc/pve/priv/authkey.key is missing"},
}};

class Assessment {
  public:
    void problem(std::string_view id, std::string message) {
        health_.problems.push_back({std::string(id), std::move(message)});
    }
    void note(std::string message) { health_.notes.push_back(std::move(message)); }
    archive::Health done() && {
        health_.verdict = health_.problems.empty() ? "good" : "bad";
        return std::move(health_);
    }

  private:
    archive::Health health_;
};

// One copy: does it parse, and does it look cut short (alone, and against
// the other copy when there is one)?
std::optional<corosync::Config> check_copy(const std::optional<std::string>& text,
                                           std::string_view prefix, std::string_view name,
                                           const std::optional<std::string>& other,
                                           std::string_view other_name, Assessment& a) {
    if (!text)
        return std::nullopt;
    if (text->size() > corosync::max_conf_bytes) {
        a.problem(fmt::format("{}-corosync-unparsable", prefix),
                  fmt::format("{}: {}", name, corosync::oversize_conf_meaning(text->size())));
        return std::nullopt;
    }
    auto evidence = other ? corosync::truncation_evidence(*text, *other, other_name)
                          : corosync::truncation_evidence(*text);
    auto parsed = corosync::parse_config(*text);
    // A missing final newline alone, in a file that parses, is as likely an
    // editor's habit as a cut: said, not held against the snapshot.
    if (parsed.ok() && evidence.size() == 1 && evidence.front().id == "last-line-cut") {
        a.note(fmt::format("{}: {}", name, evidence.front().message));
        evidence.clear();
    }
    if (!evidence.empty())
        a.problem(fmt::format("{}-corosync-truncated", prefix),
                  fmt::format("{}: {}", name, evidence.front().message));
    if (!parsed.ok()) {
        if (evidence.empty())
            a.problem(fmt::format("{}-corosync-unparsable", prefix),
                      parsed.error->to_string(std::string(name)));
        return std::nullopt;
    }
    return std::move(parsed.config);
}

std::string version_text(const std::optional<std::uint64_t>& version) {
    return version ? std::to_string(*version) : "none";
}

// Both copies parse: corosync runs /etc/corosync's, pmxcfs spreads
// /etc/pve's and copies it over /etc/corosync's when its config_version is
// higher. A higher /etc/pve copy is that copy pending (explained); a higher
// /etc/corosync copy is a local edit the cluster does not have.
void compare_copies(const std::string& host_text, const corosync::Config& host,
                    const std::string& pve_text, const corosync::Config& pve, Assessment& a) {
    if (host.cluster_name != pve.cluster_name)
        a.problem("cluster-names-differ", fmt::format("{} names cluster '{}', {} names '{}'",
                                                      host_name, escape_name(host.cluster_name),
                                                      pve_name, escape_name(pve.cluster_name)));
    auto mine = host.config_version.value_or(0), theirs = pve.config_version.value_or(0);
    if (mine > theirs)
        a.problem("host-corosync-ahead",
                  fmt::format("{} has config_version {}, {} has {}: a local edit the cluster "
                              "does not have",
                              host_name, version_text(host.config_version), pve_name,
                              version_text(pve.config_version)));
    else if (mine < theirs)
        a.note(fmt::format("{} has config_version {}, {} has {}: pmxcfs installs the newer "
                           "cluster copy on this node",
                           pve_name, version_text(pve.config_version), host_name,
                           version_text(host.config_version)));
    else if (host_text != pve_text)
        a.problem("corosync-copies-differ",
                  fmt::format("{} and {} differ, both at config_version {}", host_name, pve_name,
                              version_text(host.config_version)));
}

bool has_directory(const StateFacts& facts, std::string_view name) {
    return std::find(facts.node_directories.begin(), facts.node_directories.end(), name) !=
           facts.node_directories.end();
}

// pmxcfs makes /etc/pve/nodes/<name> for every member when it starts; one
// missing is a deleted directory (guests' configs with it). The reverse, a
// directory of a node not in the nodelist, is what `pvecm delnode` leaves
// by design until the operator removes it: a note, not bad (else a cluster
// that once lost a node would never have a good snapshot again).
void check_node_directories(const StateFacts& facts, const corosync::Config& cluster,
                            Assessment& a) {
    if (cluster.find_node_by_name(facts.node) == nullptr)
        a.problem("node-not-in-nodelist",
                  fmt::format("node {} is not in the nodelist of {}", escape_name(facts.node),
                              cluster.cluster_name.empty() ? "corosync.conf"
                                                           : escape_name(cluster.cluster_name)));
    for (const auto& node : cluster.nodes)
        if (!has_directory(facts, node.name))
            a.problem("node-directory-missing",
                      fmt::format("/etc/pve/nodes/{} is missing: node {} is in the nodelist",
                                  escape_name(node.name), escape_name(node.name)));
    for (const auto& name : facts.node_directories)
        if (cluster.find_node_by_name(name) == nullptr)
            a.note(fmt::format("/etc/pve/nodes/{} belongs to no node of the nodelist (a removed "
                               "node leaves it until it is deleted)",
                               escape_name(name)));
}

void check_db(const StateFacts& facts, Assessment& a) {
    if (!facts.db_integrity.empty())
        a.problem("db-integrity",
                  fmt::format("config.db: integrity_check: {}", facts.db_integrity.front()));
    if (!facts.db_violations.empty()) {
        const auto& v = facts.db_violations.front();
        a.problem("db-rules",
                  fmt::format("config.db: pmxcfs {}: {}: {}{}", to_string(v.effect), v.rule,
                              v.message, v.path.empty() ? "" : " (" + escape_name(v.path) + ")"));
    }
    for (const auto& v : facts.db_write_limits)
        a.note(fmt::format("config.db: pmxcfs write limit {}: {}{}", v.rule, v.message,
                           v.path.empty() ? "" : " (" + escape_name(v.path) + ")"));
}

} // namespace

archive::Health assess(const StateFacts& facts) {
    Assessment a;
    auto host = check_copy(facts.host_corosync, "host", host_name, facts.pve_corosync, pve_name, a);
    auto pve = check_copy(facts.pve_corosync, "pve", pve_name, facts.host_corosync, host_name, a);
    bool clustered = facts.host_corosync || facts.pve_corosync;
    if (facts.pve_corosync && !facts.host_corosync)
        a.problem("host-corosync-missing",
                  fmt::format("{} is missing but {} is there: corosync cannot start", host_name,
                              pve_name));
    if (facts.host_corosync && !facts.pve_corosync)
        a.problem("pve-corosync-missing",
                  fmt::format("{} is missing but {} is there: the cluster's copy is gone", pve_name,
                              host_name));
    if (host && pve)
        compare_copies(*facts.host_corosync, *host, *facts.pve_corosync, *pve, a);
    if (const auto* cluster = pve ? &*pve : host ? &*host : nullptr)
        check_node_directories(facts, *cluster, a);
    else if (!clustered && !has_directory(facts, facts.node))
        a.problem("node-directory-missing",
                  fmt::format("/etc/pve/nodes/{} is missing", escape_name(facts.node)));
    check_db(facts, a);
    if (clustered && !facts.corosync_authkey)
        a.problem("corosync-authkey-missing",
                  "/etc/corosync/authkey is missing: corosync cannot start");
    if (!facts.pve_authkey)
        a.problem("pve-authkey-missing",
                  "/etc/pve/priv/authkey.key is missing: API tickets cannot be signed");
    return std::move(a).done();
}

std::string describe(std::string_view problem_id) {
    for (const auto& [id, phrase] : phrases)
        if (id == problem_id)
            return std::string(phrase);
    return std::string(problem_id);
}

} // namespace pmxsnap::health
