// The running cluster as corosync itself holds it, read through its client
// libraries (libcmap, libvotequorum, libcfg) — never by scraping tool
// output. Every probe is bounded: it runs in a child process that is killed
// when corosync does not answer in time, so a hung corosync cannot hang
// pmxsnap. An unreachable corosync is a value (reachable = false, error), not
// an exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::corosync {

inline constexpr const char* cmap_unreachable_message =
    "corosync is not running or its IPC is unreachable (cannot initialize CMAP service)";

struct LiveNode {
    std::uint32_t nodeid = 0;
    std::string name;
    std::map<int, std::string> ring_addresses;
};

struct LiveMember {
    std::uint32_t nodeid = 0;
    std::string ip;     // as corosync reports it: "r(0) ip(198.18.0.11) "
    std::string status; // joined, left
};

struct LiveLink {
    std::uint32_t nodeid = 0;
    int link = 0;
    bool enabled = false;
    bool connected = false;
    unsigned mtu = 0; // knet's detected path MTU (payload), 0 when unknown
};

struct LiveView {
    bool reachable = false;
    // The IPC accepted the connection and did not answer in time: corosync
    // runs but is hung (never serialised: a property of this probe only).
    bool hung = false;
    std::string error; // when not reachable, or a part could not be read
    std::uint32_t local_nodeid = 0;
    std::string cluster_name;
    std::optional<std::uint64_t> config_version;
    std::vector<LiveNode> nodelist;
    std::vector<LiveMember> members;
    std::optional<bool> quorate;
    std::optional<std::uint32_t> expected_votes;
    std::optional<std::uint32_t> total_votes;
    std::optional<std::uint32_t> quorum;
    std::vector<LiveLink> links;
    // Not corosync's: the MTU of each local interface that holds this node's
    // ring address, recorded by snapshot from the host (doctor compares a
    // node's MTU with its own and its peers' records). Empty in archives
    // from before it was recorded.
    std::map<std::string, unsigned> ring_interface_mtus;

    nlohmann::json to_json() const;
    static LiveView from_json(const nlohmann::json& json);
    std::size_t joined_members() const;
};

// Reads the running corosync this process can reach (its network namespace
// and /run). Never blocks longer than timeout.
LiveView probe_live_cluster(std::chrono::milliseconds timeout = std::chrono::seconds(3));

} // namespace pmxsnap::corosync
