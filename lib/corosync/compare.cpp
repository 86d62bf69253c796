#include "pmxsnap/corosync/compare.hpp"

#include "pmxsnap/util/json_optional.hpp"

#include <map>

namespace pmxsnap::corosync {
namespace {

std::map<std::uint32_t, const Node*> by_nodeid(const Config& config) {
    std::map<std::uint32_t, const Node*> nodes;
    for (const auto& node : config.nodes)
        if (node.nodeid)
            nodes.emplace(*node.nodeid, &node);
    return nodes;
}

std::map<std::string, std::string> totem_and_quorum(const Config& config) {
    std::map<std::string, std::string> keys;
    for (const auto& item : config.items)
        if ((item.path.starts_with("totem.") || item.path.starts_with("quorum.")) &&
            item.path != "totem.config_version")
            keys[item.path] = item.value;
    return keys;
}

void compare_node(const Node& a, const Node& b, std::vector<NodeChange>& out) {
    auto id = *a.nodeid;
    if (a.name != b.name)
        out.push_back({NodeChange::Kind::renamed, id, "name", a.name, b.name});
    std::map<int, std::pair<std::string, std::string>> rings;
    for (const auto& [ring, address] : a.ring_addresses)
        rings[ring].first = address;
    for (const auto& [ring, address] : b.ring_addresses)
        rings[ring].second = address;
    for (const auto& [ring, pair] : rings)
        if (pair.first != pair.second)
            out.push_back({NodeChange::Kind::readdressed, id,
                           "ring" + std::to_string(ring) + "_addr", pair.first, pair.second});
}

} // namespace

std::string to_string(NodeChange::Kind kind) {
    switch (kind) {
    case NodeChange::Kind::added:
        return "added";
    case NodeChange::Kind::removed:
        return "removed";
    case NodeChange::Kind::renamed:
        return "renamed";
    default:
        return "readdressed";
    }
}

bool ConfigComparison::identical() const {
    return version_before == version_after && nodes.empty() && keys.empty();
}

ConfigComparison compare_configs(const Config& before, const Config& after) {
    ConfigComparison result;
    result.version_before = before.config_version;
    result.version_after = after.config_version;
    auto old_nodes = by_nodeid(before);
    auto new_nodes = by_nodeid(after);
    for (const auto& [id, node] : old_nodes) {
        auto it = new_nodes.find(id);
        if (it == new_nodes.end())
            result.nodes.push_back({NodeChange::Kind::removed, id, "", node->name, ""});
        else
            compare_node(*node, *it->second, result.nodes);
    }
    for (const auto& [id, node] : new_nodes)
        if (!old_nodes.contains(id))
            result.nodes.push_back({NodeChange::Kind::added, id, "", "", node->name});
    auto old_keys = totem_and_quorum(before);
    auto new_keys = totem_and_quorum(after);
    for (const auto& [path, value] : old_keys) {
        auto it = new_keys.find(path);
        if (it == new_keys.end())
            result.keys.push_back({path, value, std::nullopt});
        else if (it->second != value)
            result.keys.push_back({path, value, it->second});
    }
    for (const auto& [path, value] : new_keys)
        if (!old_keys.contains(path))
            result.keys.push_back({path, std::nullopt, value});
    return result;
}

Config running_config(const LiveView& live) {
    Config config;
    config.config_version = live.config_version;
    for (const auto& node : live.nodelist) {
        Node entry;
        entry.name = node.name;
        entry.nodeid = node.nodeid;
        entry.ring_addresses = node.ring_addresses;
        config.nodes.push_back(std::move(entry));
    }
    return config;
}

std::string describe(const NodeChange& change) {
    auto who = [&change](const std::string& name) {
        return (name.empty() ? std::string("node") : name) + " (nodeid " +
               std::to_string(change.nodeid) + ")";
    };
    switch (change.kind) {
    case NodeChange::Kind::added:
        return who(change.after) + " added";
    case NodeChange::Kind::removed:
        return who(change.before) + " removed";
    case NodeChange::Kind::renamed:
        return "nodeid " + std::to_string(change.nodeid) + " renamed: " + change.before + " → " +
               change.after;
    default:
        return change.what + " of nodeid " + std::to_string(change.nodeid) + ": " +
               (change.before.empty() ? "none" : change.before) + " → " +
               (change.after.empty() ? "none" : change.after);
    }
}

nlohmann::json ConfigComparison::to_json() const {
    nlohmann::json node_changes = nlohmann::json::array();
    for (const auto& change : nodes)
        node_changes.push_back({{"change", to_string(change.kind)},
                                {"nodeid", change.nodeid},
                                {"what", change.what},
                                {"before", change.before},
                                {"after", change.after}});
    nlohmann::json key_changes = nlohmann::json::array();
    for (const auto& change : keys)
        key_changes.push_back({{"path", change.path},
                               {"before", json_or_null(change.before)},
                               {"after", json_or_null(change.after)}});
    return {{"identical", identical()},
            {"config_version",
             {{"before", json_or_null(version_before)}, {"after", json_or_null(version_after)}}},
            {"nodes", node_changes},
            {"keys", key_changes}};
}

} // namespace pmxsnap::corosync
