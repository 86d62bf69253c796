#include "situation.hpp"

#include "pmxsnap/host/interfaces.hpp"

#include <algorithm>

namespace pmxsnap::doctor {
namespace {

bool every_peer_link_down(const corosync::LiveView& live) {
    bool any_peer = false;
    for (const auto& node : live.nodelist)
        any_peer = any_peer || node.nodeid != live.local_nodeid;
    if (!any_peer || live.local_nodeid == 0)
        return false;
    return std::none_of(live.links.begin(), live.links.end(), [&live](const auto& link) {
        return link.nodeid != live.local_nodeid && link.enabled && link.connected;
    });
}

void add_once(std::vector<std::string>& list, const std::string& item) {
    if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end())
        list.push_back(item);
}

} // namespace

std::string name_of(const corosync::LiveView& live, std::uint32_t nodeid) {
    for (const auto& node : live.nodelist)
        if (node.nodeid == nodeid && !node.name.empty())
            return node.name;
    return "nodeid " + std::to_string(nodeid);
}

std::vector<std::string> addresses_of(const Inputs& in, const std::string& ring_address) {
    if (auto numeric = host::canonical_address(ring_address))
        return {*numeric};
    auto it = in.resolved.find(ring_address);
    return it == in.resolved.end() ? std::vector<std::string>{} : it->second;
}

std::string interface_with(const Inputs& in, const std::string& address) {
    for (const auto& a : in.interfaces)
        if (a.address == address)
            return a.interface;
    return {};
}

std::map<int, std::string> running_ring_addresses(const Inputs& in) {
    if (in.live && in.live->reachable)
        for (const auto& node : in.live->nodelist)
            if (node.nodeid == in.live->local_nodeid && !node.ring_addresses.empty())
                return node.ring_addresses;
    const auto* node = in.this_node();
    return node ? node->ring_addresses : std::map<int, std::string>{};
}

bool worth_probing_peers(const Inputs& in) {
    if (!in.live || !in.live->reachable || !every_peer_link_down(*in.live))
        return false;
    auto situation = assess(in);
    return situation.interfaces_without_carrier.empty();
}

Situation assess(const Inputs& in) {
    Situation s;
    for (const auto& [ring, address] : running_ring_addresses(in))
        for (const auto& candidate : addresses_of(in, address))
            add_once(s.ring_interfaces, interface_with(in, candidate));
    for (const auto& interface : s.ring_interfaces) {
        auto carrier = in.interface_carrier.find(interface);
        if (carrier != in.interface_carrier.end() && !carrier->second)
            s.interfaces_without_carrier.push_back(interface);
    }
    if (!in.live || !in.live->reachable)
        return s;
    for (const auto& node : in.live->nodelist)
        if (node.nodeid != in.live->local_nodeid)
            s.peers.push_back(name_of(*in.live, node.nodeid));
    s.every_link_down = every_peer_link_down(*in.live);
    for (const auto& probe : in.peer_probes) {
        std::string name = probe.address;
        for (const auto& node : in.live->nodelist)
            for (const auto& [ring, address] : node.ring_addresses)
                if (address == probe.address)
                    name = name_of(*in.live, node.nodeid);
        using Answer = corosync::PortProbe::Answer;
        if (probe.answer == Answer::refused)
            add_once(s.peers_stopped, name);
        else if (probe.answer == Answer::unreachable)
            add_once(s.peers_gone, name);
        else if (probe.answer == Answer::silent)
            add_once(s.peers_silent, name);
    }
    return s;
}

} // namespace pmxsnap::doctor
