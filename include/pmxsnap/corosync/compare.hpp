// Semantic compare of two corosync.conf copies: config_version, nodes
// matched by nodeid (added, removed, renamed, re-addressed), and changed
// totem and quorum keys — a structured result diff and doctor print and
// serialise. Pure.
#pragma once

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

} // namespace pmxsnap::corosync
