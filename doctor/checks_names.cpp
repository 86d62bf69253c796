// net.name-resolution: what the names of the nodes resolve to. corosync 3
// finds its own node by address; pmxcfs needs this node's own name to
// resolve to a non-loopback address, or it refuses to start. A resolver
// that does not answer is reported as that, never as names resolving to
// nothing.
#include "checks.hpp"

#include "pmxsnap/host/interfaces.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace pmxsnap::doctor {
namespace {

bool loopback(const std::string& address) {
    return address.starts_with("127.") || address == "::1";
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// pmxcfs's own words when it cannot resolve its node name.
std::string pmxcfs_refusal(const std::string& name) {
    return fmt::format("Unable to resolve node name '{}' to a non-loopback IP address - missing "
                       "entry in '/etc/hosts' or DNS?",
                       name);
}

} // namespace

Finding check_name_resolution(const Inputs& in) {
    const auto* config = in.effective_config();
    if (!config || in.node.empty())
        return skipped("net.name-resolution", Layer::corosync,
                       "no parsable corosync.conf or no hostname");
    Finding f{"net.name-resolution", Layer::corosync};
    f.evidence["source"] = in.resolution_source;
    bool live = in.resolution_source == "getaddrinfo";
    std::vector<std::string> problems, unanswered;
    auto lookup = [&](const std::string& name) -> std::optional<std::vector<std::string>> {
        auto it = in.resolved.find(name);
        if (it == in.resolved.end()) {
            if (in.resolution_timed_out && !contains(unanswered, name))
                unanswered.push_back(name);
            return std::nullopt;
        }
        return it->second;
    };
    for (const auto& node : config->nodes) {
        auto ring = node.ring_addresses.find(0);
        if (node.name.empty() || ring == node.ring_addresses.end())
            continue;
        auto resolved = lookup(node.name);
        auto expected = host::canonical_address(ring->second);
        f.evidence["names"][node.name] = {
            {"resolves_to", resolved ? nlohmann::json(*resolved) : nlohmann::json("not answered")},
            {"ring0_addr", ring->second}};
        if (!resolved || !expected || resolved->empty() || contains(*resolved, *expected))
            continue;
        problems.push_back(fmt::format("{} resolves to {}, its ring0_addr is {}", node.name,
                                       fmt::join(*resolved, " "), ring->second));
    }
    auto own = lookup(in.node);
    bool own_unusable = own && std::all_of(own->begin(), own->end(), loopback);
    if (!unanswered.empty())
        f.evidence["not_answered"] = unanswered;
    if (own_unusable) {
        f.evidence["this_node"] = {{"name", in.node}, {"resolves_to", *own}};
        f.status = live ? Status::fail : Status::warn;
        f.layer = Layer::pmxcfs;
        f.meaning = fmt::format(
            "this node's name {} resolves {}: pmxcfs refuses to start (\"{}\"){}", in.node,
            own->empty() ? "to nothing"
                         : fmt::format("only to loopback ({})", fmt::join(*own, " ")),
            pmxcfs_refusal(in.node),
            live ? "" : fmt::format(" — as far as {} says (DNS not asked)", in.resolution_source));
        f.decision = fmt::format("add \"<ring0_addr> {0}\" to /etc/hosts (the address of this "
                                 "node on the cluster network, never 127.0.1.1), then `systemctl "
                                 "restart pve-cluster`",
                                 in.node);
        return f;
    }
    if (in.resolution_timed_out) {
        f.status = Status::warn;
        f.meaning =
            fmt::format("the resolver did not answer within 2 s (an unreachable DNS "
                        "server?): {} not answered — unknown, not \"resolving to "
                        "nothing\"; pmxcfs waits on the same resolver when it starts",
                        unanswered.empty() ? std::string("some names")
                                           : fmt::format("{}", fmt::join(unanswered, ", ")));
        f.decision = "pin the cluster's node names to their ring0_addr in /etc/hosts on every "
                     "node (then the resolver is not asked), and fix the DNS servers of "
                     "/etc/resolv.conf";
        return f;
    }
    if (problems.empty()) {
        f.meaning = "this node's name resolves; every node name that resolves points at its "
                    "ring0_addr";
        return f;
    }
    f.status = Status::warn;
    f.evidence["problems"] = problems;
    f.meaning = "names and ring addresses disagree: pmxcfs, migration and SSH between nodes use "
                "the names, corosync the addresses";
    f.decision = "pin the cluster's node names to their ring0_addr in /etc/hosts on every node "
                 "(DNS changed, or a stale /etc/hosts entry)";
    return f;
}

} // namespace pmxsnap::doctor
