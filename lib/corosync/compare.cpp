#include "pmxsnap/corosync/compare.hpp"

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

nlohmann::json ConfigComparison::to_json() const {
    auto optional = [](const auto& value) {
        return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    };
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
                               {"before", optional(change.before)},
                               {"after", optional(change.after)}});
    return {{"identical", identical()},
            {"config_version",
             {{"before", optional(version_before)}, {"after", optional(version_after)}}},
            {"nodes", node_changes},
            {"keys", key_changes}};
}

} // namespace pmxsnap::corosync
