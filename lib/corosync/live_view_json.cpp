#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/util/json_optional.hpp"

namespace pmxsnap::corosync {
namespace {

template <typename T>
std::optional<T> optional_from(const nlohmann::json& json, const char* key) {
    if (!json.contains(key) || json[key].is_null())
        return std::nullopt;
    return json[key].get<T>();
}

} // namespace

nlohmann::json LiveView::to_json() const {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& node : nodelist) {
        nlohmann::json addresses = nlohmann::json::object();
        for (const auto& [ring, address] : node.ring_addresses)
            addresses["ring" + std::to_string(ring) + "_addr"] = address;
        nodes.push_back({{"nodeid", node.nodeid}, {"name", node.name}, {"addresses", addresses}});
    }
    nlohmann::json member_list = nlohmann::json::array();
    for (const auto& m : members)
        member_list.push_back({{"nodeid", m.nodeid}, {"ip", m.ip}, {"status", m.status}});
    nlohmann::json link_list = nlohmann::json::array();
    for (const auto& l : links)
        link_list.push_back({{"nodeid", l.nodeid},
                             {"link", l.link},
                             {"enabled", l.enabled},
                             {"connected", l.connected},
                             {"mtu", l.mtu}});
    return {{"reachable", reachable},
            {"error", error},
            {"local_nodeid", local_nodeid},
            {"cluster_name", cluster_name},
            {"config_version", json_or_null(config_version)},
            {"nodelist", nodes},
            {"members", member_list},
            {"quorate", json_or_null(quorate)},
            {"expected_votes", json_or_null(expected_votes)},
            {"total_votes", json_or_null(total_votes)},
            {"quorum", json_or_null(quorum)},
            {"links", link_list},
            {"ring_interface_mtu", ring_interface_mtus}};
}

LiveView LiveView::from_json(const nlohmann::json& json) {
    LiveView view;
    try {
        view.reachable = json.at("reachable").get<bool>();
        view.error = json.at("error").get<std::string>();
        view.local_nodeid = json.at("local_nodeid").get<std::uint32_t>();
        view.cluster_name = json.at("cluster_name").get<std::string>();
        view.config_version = optional_from<std::uint64_t>(json, "config_version");
        for (const auto& n : json.at("nodelist")) {
            LiveNode node;
            node.nodeid = n.at("nodeid").get<std::uint32_t>();
            node.name = n.at("name").get<std::string>();
            for (const auto& [key, value] : n.at("addresses").items())
                node.ring_addresses[std::atoi(key.c_str() + 4)] = value.get<std::string>();
            view.nodelist.push_back(std::move(node));
        }
        for (const auto& m : json.at("members"))
            view.members.push_back({m.at("nodeid").get<std::uint32_t>(),
                                    m.at("ip").get<std::string>(),
                                    m.at("status").get<std::string>()});
        view.quorate = optional_from<bool>(json, "quorate");
        view.expected_votes = optional_from<std::uint32_t>(json, "expected_votes");
        view.total_votes = optional_from<std::uint32_t>(json, "total_votes");
        view.quorum = optional_from<std::uint32_t>(json, "quorum");
        for (const auto& l : json.at("links"))
            view.links.push_back({l.at("nodeid").get<std::uint32_t>(), l.at("link").get<int>(),
                                  l.at("enabled").get<bool>(), l.at("connected").get<bool>(),
                                  l.value("mtu", 0u)});
        if (json.contains("ring_interface_mtu"))
            view.ring_interface_mtus =
                json["ring_interface_mtu"].get<std::map<std::string, unsigned>>();
    } catch (const nlohmann::json::exception& e) {
        LiveView broken;
        broken.error = std::string("unreadable probe answer: ") + e.what();
        return broken;
    }
    return view;
}

} // namespace pmxsnap::corosync
