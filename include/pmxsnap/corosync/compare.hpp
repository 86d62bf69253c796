// Semantic compare of two corosync.conf copies: config_version, nodes
// matched by nodeid (added, removed, renamed, re-addressed), and changed
// totem and quorum keys — a structured result diff and doctor print and
// serialise. Pure.
#pragma once

#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/corosync/parser.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::corosync {

struct NodeChange {
    enum class Kind { added, removed, renamed, readdressed };
    Kind kind;
    std::uint32_t nodeid = 0;
    std::string what;   // "name", "ring0_addr", ... for renamed/readdressed
    std::string before; // empty for added
    std::string after;  // empty for removed
};

struct KeyChange {
    std::string path;
    std::optional<std::string> before; // nullopt: added
    std::optional<std::string> after;  // nullopt: removed
};

struct ConfigComparison {
    std::optional<std::uint64_t> version_before;
    std::optional<std::uint64_t> version_after;
    std::vector<NodeChange> nodes;
    std::vector<KeyChange> keys; // totem.* and quorum.*, config_version aside

    bool identical() const;
    nlohmann::json to_json() const;
};

ConfigComparison compare_configs(const Config& before, const Config& after);

std::string to_string(NodeChange::Kind kind);

// The running config as CMAP holds it, as a Config compare_configs takes:
// config_version and the nodelist (nodeids, names, ring addresses) only.
Config running_config(const LiveView& live);

// "ring0_addr of node3 (nodeid 3): 198.18.0.13 → 198.18.0.99", "node4
// (nodeid 4) added": one line per change, for findings and reports.
std::string describe(const NodeChange& change);

} // namespace pmxsnap::corosync
