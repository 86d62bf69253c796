#include "cluster_status.hpp"

#include "pmxsnap/health/health.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace pmxsnap::status {
namespace {

using Rows = std::vector<NodeStatus*>;

class Findings {
  public:
    explicit Findings(std::vector<Finding>& out)
        : out_(out) {}
    template <typename... Args>
    void add(const NodeStatus& row, const char* kind, fmt::format_string<Args...> format,
             Args&&... args) {
        out_.push_back(
            {row.cluster, row.node, kind, fmt::format(format, std::forward<Args>(args)...)});
    }

  private:
    std::vector<Finding>& out_;
};

// The rows whose newest snapshots have an authentic index.
Rows indexed(const Rows& rows) {
    Rows out;
    std::copy_if(rows.begin(), rows.end(), std::back_inserter(out),
                 [](const NodeStatus* row) { return row->index.has_value(); });
    return out;
}

std::string captured_text(const NodeStatus& row) {
    return row.index ? row.index->captured : "?";
}

// The cluster's nodelist as its newest configuration says: the index with
// the highest config_version, the newest capture among equals.
const NodeStatus* nodelist_source(const Rows& rows) {
    const NodeStatus* best = nullptr;
    for (const auto* row : rows) {
        if (!row->index->nodelist)
            continue;
        auto key = [](const NodeStatus* r) {
            return std::pair{r->index->config_version.value_or(0), r->captured};
        };
        if (!best || key(row) > key(best))
            best = row;
    }
    return best;
}

void node_findings(const NodeStatus& row, const StatusOptions& options, Findings& findings) {
    if (row.snapshots == 0) {
        findings.add(row, "missing", "no snapshot in its directory");
        return;
    }
    if (!row.index) {
        findings.add(row, "signature",
                     "no authentic signed index among its newest {} snapshots (newest {}: {}: {})",
                     std::min(row.snapshots, max_indexes_read), row.newest.filename().string(),
                     row.signature, row.signature_problem);
        return;
    }
    if (row.signature != "ok")
        findings.add(row, "signature", "newest snapshot {}: {}: {} (the row shows {})",
                     row.newest.filename().string(), row.signature, row.signature_problem,
                     row.indexed.filename().string());
    auto age = options.now - row.captured;
    if (row.in_nodelist.value_or(true) && age > options.stale_after)
        findings.add(row, "stale", "newest snapshot is {} old (captured {}; --stale {})",
                     format_age(age), captured_text(row), format_age(options.stale_after));
    if (row.index->is_bad()) {
        std::vector<std::string> phrases;
        for (const auto& id : row.index->problems)
            phrases.push_back(health::describe(id));
        findings.add(row, "bad", "newest snapshot {} is bad: {}; {}",
                     row.indexed.filename().string(), fmt::join(phrases, "; "),
                     row.last_good ? "last good " + format_age(options.now - *row.last_good) +
                                         " ago (pmxsnap diff latest-good@" + row.node + " live)"
                                   : "no good one among the newest read");
    }
}

void nodelist_findings(Rows& rows, const Rows& authentic, std::vector<NodeStatus>& added,
                       const std::string& cluster, Findings& findings) {
    const auto* source = nodelist_source(authentic);
    if (!source)
        return;
    std::set<std::string> listed(source->index->nodelist->begin(), source->index->nodelist->end());
    std::set<std::string> present;
    for (auto* row : rows) {
        row->in_nodelist = listed.contains(row->node);
        present.insert(row->node);
    }
    for (const auto& name : listed)
        if (!present.contains(name)) {
            NodeStatus row;
            row.cluster = cluster;
            row.node = name;
            row.in_nodelist = true;
            findings.add(row, "missing",
                         "in the nodelist (config_version {} in {}'s snapshot) but no snapshot "
                         "in the repository",
                         source->index->config_version.value_or(0), source->node);
            added.push_back(std::move(row));
        }
}

void version_findings(const Rows& authentic, const StatusOptions& options, Findings& findings) {
    const NodeStatus* newest_config = nullptr;
    const NodeStatus* highest_db = nullptr;
    for (const auto* row : authentic) {
        if (row->index->config_version &&
            (!newest_config || *row->index->config_version > *newest_config->index->config_version))
            newest_config = row;
        // Among equal versions, the earliest capture: a later one lower is behind.
        if (!highest_db || row->index->db_version > highest_db->index->db_version ||
            (row->index->db_version == highest_db->index->db_version &&
             row->captured < highest_db->captured))
            highest_db = row;
    }
    for (const auto* row : authentic) {
        const auto& index = *row->index;
        if (newest_config && index.config_version &&
            *index.config_version < *newest_config->index->config_version)
            findings.add(*row, "config-behind", "config_version {} is behind {}'s {}",
                         *index.config_version, newest_config->node,
                         *newest_config->index->config_version);
        // Captured later and still lower: the changes did not reach it.
        if (highest_db && index.db_version < highest_db->index->db_version &&
            row->captured - highest_db->captured >= options.lag)
            findings.add(*row, "db-behind",
                         "db_version {} captured {}, while {} had {} {} earlier (replication lag "
                         "allowed: {})",
                         index.db_version, index.captured, highest_db->node,
                         highest_db->index->db_version,
                         format_age(row->captured - highest_db->captured), format_age(options.lag));
    }
}

void authkey_findings(const Rows& authentic, Findings& findings) {
    std::map<std::string, std::vector<std::string>> holders; // digest → nodes
    for (const auto* row : authentic)
        if (row->index->authkey)
            holders[row->index->authkey->empty() ? "-" : *row->index->authkey].push_back(row->node);
    if (holders.size() < 2)
        return;
    std::size_t most = 0, at_most = 0;
    for (const auto& [digest, nodes] : holders)
        most = std::max(most, nodes.size());
    for (const auto& [digest, nodes] : holders)
        at_most += nodes.size() == most ? 1 : 0;
    // The majority's digest is the cluster's; without one, every node is named.
    for (const auto* row : authentic) {
        if (!row->index->authkey)
            continue;
        auto mine = row->index->authkey->empty() ? "-" : *row->index->authkey;
        if (at_most == 1 && holders[mine].size() == most)
            continue;
        std::vector<std::string> others;
        for (const auto& [digest, nodes] : holders)
            if (digest != mine)
                others.push_back(fmt::format("{} on {}", digest, fmt::join(nodes, ", ")));
        findings.add(*row, "authkey-differs", "authkey digest {} differs from {}", mine,
                     fmt::join(others, "; "));
    }
}

} // namespace

StatusReport cluster_status(const repo::Repository& repository,
                            const std::vector<crypto::PublicKey>& keys,
                            const StatusOptions& options) {
    StatusReport report;
    std::map<std::string, std::vector<NodeStatus>> clusters;
    for (const auto& directory : repository.node_directories(options.cluster))
        clusters[directory.cluster].push_back(read_node(repository, directory, keys));
    report.clusters = clusters.size();
    Findings findings(report.findings);
    for (auto& [cluster, nodes] : clusters) {
        Rows rows;
        for (auto& row : nodes)
            rows.push_back(&row);
        auto authentic = indexed(rows);
        std::vector<NodeStatus> missing;
        std::vector<Finding> cluster_wide;
        Findings wide(cluster_wide);
        nodelist_findings(rows, authentic, missing, cluster, wide);
        for (const auto* row : rows)
            node_findings(*row, options, findings);
        version_findings(authentic, options, findings);
        authkey_findings(authentic, findings);
        report.findings.insert(report.findings.end(), cluster_wide.begin(), cluster_wide.end());
        std::move(nodes.begin(), nodes.end(), std::back_inserter(report.nodes));
        std::move(missing.begin(), missing.end(), std::back_inserter(report.nodes));
    }
    auto by_node = [](const auto& a, const auto& b) {
        return std::tie(a.cluster, a.node) < std::tie(b.cluster, b.node);
    };
    std::stable_sort(report.nodes.begin(), report.nodes.end(), by_node);
    std::stable_sort(report.findings.begin(), report.findings.end(), by_node);
    if (clusters.empty())
        report.findings.push_back({"", "", "missing", "no node has a snapshot in the repository"});
    return report;
}

} // namespace pmxsnap::status
