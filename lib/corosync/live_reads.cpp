#include "live_reads.hpp"

#include <corosync/cfg.h>
#include <corosync/cmap.h>
#include <corosync/votequorum.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace pmxsnap::corosync::detail {
namespace {

std::optional<std::string> cmap_value_text(cmap_handle_t handle, const char* key) {
    char value[512] = {};
    size_t length = sizeof value - 1;
    cmap_value_types_t type{};
    if (cmap_get(handle, key, value, &length, &type) != CS_OK)
        return std::nullopt;
    switch (type) {
    case CMAP_VALUETYPE_STRING:
        return std::string(value, strnlen(value, length));
    case CMAP_VALUETYPE_UINT8:
        return std::to_string(*reinterpret_cast<std::uint8_t*>(value));
    case CMAP_VALUETYPE_UINT16:
        return std::to_string(*reinterpret_cast<std::uint16_t*>(value));
    case CMAP_VALUETYPE_UINT32:
        return std::to_string(*reinterpret_cast<std::uint32_t*>(value));
    case CMAP_VALUETYPE_UINT64:
        return std::to_string(*reinterpret_cast<std::uint64_t*>(value));
    case CMAP_VALUETYPE_INT32:
        return std::to_string(*reinterpret_cast<std::int32_t*>(value));
    default:
        return std::nullopt;
    }
}

// Every key under prefix with its value as text ("nodelist.node.0.name" → "pve1").
std::map<std::string, std::string> cmap_prefix(cmap_handle_t handle, const char* prefix) {
    std::map<std::string, std::string> out;
    cmap_iter_handle_t iter;
    if (cmap_iter_init(handle, prefix, &iter) != CS_OK)
        return out;
    char key[CMAP_KEYNAME_MAXLEN + 1];
    size_t length = 0;
    cmap_value_types_t type{};
    while (cmap_iter_next(handle, iter, key, &length, &type) == CS_OK)
        if (auto value = cmap_value_text(handle, key))
            out[key] = *value;
    cmap_iter_finalize(handle, iter);
    return out;
}

// "nodelist.node.3.ring0_addr" → index 3, field "ring0_addr".
std::optional<std::pair<int, std::string>> indexed_field(const std::string& key,
                                                         std::string_view prefix) {
    if (!key.starts_with(prefix))
        return std::nullopt;
    auto rest = key.substr(prefix.size());
    auto dot = rest.find('.');
    if (dot == std::string::npos)
        return std::nullopt;
    return std::pair{std::atoi(rest.substr(0, dot).c_str()), rest.substr(dot + 1)};
}

void read_nodelist(cmap_handle_t handle, LiveView& view) {
    std::map<int, LiveNode> nodes;
    for (const auto& [key, value] : cmap_prefix(handle, "nodelist.node.")) {
        auto field = indexed_field(key, "nodelist.node.");
        if (!field)
            continue;
        auto& node = nodes[field->first];
        if (field->second == "name")
            node.name = value;
        else if (field->second == "nodeid")
            node.nodeid = static_cast<std::uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
        else if (field->second.starts_with("ring") && field->second.ends_with("_addr"))
            node.ring_addresses[std::atoi(field->second.c_str() + 4)] = value;
    }
    for (auto& [index, node] : nodes)
        view.nodelist.push_back(std::move(node));
}

void read_members(cmap_handle_t handle, LiveView& view) {
    std::map<int, LiveMember> members;
    for (const auto& [key, value] : cmap_prefix(handle, "runtime.members.")) {
        auto field = indexed_field(key, "runtime.members.");
        if (!field)
            continue;
        auto& member = members[field->first];
        member.nodeid = static_cast<std::uint32_t>(field->first);
        if (field->second == "ip")
            member.ip = value;
        else if (field->second == "status")
            member.status = value;
    }
    for (auto& [id, member] : members)
        view.members.push_back(std::move(member));
}

void read_quorum(LiveView& view) {
    votequorum_handle_t handle;
    if (votequorum_initialize(&handle, nullptr) != CS_OK) {
        view.error = "cannot initialize the votequorum service";
        return;
    }
    votequorum_info info{};
    if (votequorum_getinfo(handle, 0 /* this node */, &info) == CS_OK) {
        view.quorate = (info.flags & VOTEQUORUM_INFO_QUORATE) != 0;
        view.expected_votes = info.node_expected_votes;
        view.total_votes = info.total_votes;
        view.quorum = info.quorum;
    }
    votequorum_finalize(handle);
}

void read_links(LiveView& view) {
    corosync_cfg_handle_t handle;
    if (corosync_cfg_initialize(&handle, nullptr) != CS_OK)
        return;
    unsigned int local = 0;
    if (corosync_cfg_local_get(handle, &local) == CS_OK)
        view.local_nodeid = local;
    for (const auto& node : view.nodelist) {
        corosync_cfg_node_status_v1 status{};
        if (corosync_cfg_node_status_get(handle, node.nodeid, CFG_NODE_STATUS_V1, &status) != CS_OK)
            continue;
        for (int link = 0; link < CFG_MAX_LINKS; ++link)
            if (status.link_status[link].enabled)
                view.links.push_back({node.nodeid, link, true,
                                      status.link_status[link].connected != 0,
                                      status.link_status[link].mtu});
    }
    corosync_cfg_finalize(handle);
}

} // namespace

LiveView read_live_view() {
    LiveView view;
    cmap_handle_t handle;
    if (cmap_initialize(&handle) != CS_OK) {
        view.error = cmap_unreachable_message;
        return view;
    }
    view.reachable = true;
    char* name = nullptr;
    if (cmap_get_string(handle, "totem.cluster_name", &name) == CS_OK) {
        view.cluster_name = name;
        std::free(name);
    }
    std::uint64_t version = 0;
    if (cmap_get_uint64(handle, "totem.config_version", &version) == CS_OK)
        view.config_version = version;
    read_nodelist(handle, view);
    read_members(handle, view);
    cmap_finalize(handle);
    read_quorum(view);
    read_links(view);
    return view;
}

} // namespace pmxsnap::corosync::detail
