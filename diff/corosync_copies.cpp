#include "corosync_copies.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/util/json_optional.hpp"

namespace pmxsnap::diff {
namespace {

// The running nodelist equals the file's: same nodeids, names, ring addresses.
bool same_nodelist(const corosync::Config& config, const corosync::LiveView& running) {
    if (config.nodes.size() != running.nodelist.size())
        return false;
    for (const auto& live : running.nodelist) {
        const auto* node = config.find_node_by_id(live.nodeid);
        if (!node || node->name != live.name || node->ring_addresses != live.ring_addresses)
            return false;
    }
    return true;
}

std::optional<bool> in_use(const Side& side, std::string_view member) {
    if (!side.is_live || !side.runtime || !side.captured)
        return std::nullopt;
    auto text = side.captured->file_data(member);
    if (!text)
        return false;
    auto parsed = corosync::parse_config(*text);
    return parsed.ok() && parsed.config->config_version == side.runtime->config_version &&
           same_nodelist(*parsed.config, *side.runtime);
}

void add_side(nlohmann::json& copies, const std::string& name, const Side& side) {
    const auto& versions = side.manifest().corosync;
    struct Copy {
        const char* file;
        std::string_view member;
        std::optional<std::uint64_t> version;
    };
    for (const auto& copy : {Copy{"/etc/corosync/corosync.conf", archive::corosync_conf_member,
                                  versions.host_config_version},
                             Copy{"/etc/pve/corosync.conf", archive::pve_corosync_conf_member,
                                  versions.pve_config_version}}) {
        if (!find_in(side.by_path, copy.member))
            continue;
        auto use = in_use(side, copy.member);
        copies.push_back({{"side", name},
                          {"source", side.label},
                          {"file", copy.file},
                          {"config_version", json_or_null(copy.version)},
                          {"in_use", json_or_null(use)}});
    }
}

nlohmann::json running_of(const std::string& name, const Side& side) {
    const auto& r = *side.runtime;
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& node : r.nodelist) {
        auto ring0 = node.ring_addresses.find(0);
        nodes.push_back({{"nodeid", node.nodeid},
                         {"name", node.name},
                         {"ring0_addr", ring0 == node.ring_addresses.end() ? "" : ring0->second}});
    }
    return {{"side", name},
            {"source", side.label},
            {"when", side.is_live ? "now" : "at capture"},
            {"config_version", json_or_null(r.config_version)},
            {"nodelist", nodes},
            {"members", r.joined_members()},
            {"quorate", json_or_null(r.quorate)}};
}

} // namespace

nlohmann::json corosync_copies(const Side& a, const Side& b) {
    nlohmann::json copies = nlohmann::json::array();
    add_side(copies, "a", a);
    add_side(copies, "b", b);
    nlohmann::json running = nlohmann::json::array();
    for (const auto& [name, side] : {std::pair{"a", &a}, std::pair{"b", &b}})
        if (side->runtime && side->runtime->reachable)
            running.push_back(running_of(name, *side));
    nlohmann::json used = nullptr;
    for (const auto& copy : copies)
        if (copy["in_use"] == true && used.is_null())
            used = copy["file"];
    return {{"copies", copies}, {"running", running}, {"running_uses", used}};
}

} // namespace pmxsnap::diff
