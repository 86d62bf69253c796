// Where this node stands on the corosync network, from what doctor read:
// its ring interfaces and their carrier, the knet links to its peers, and
// — when no link reaches any peer — what each peer's ring address answered
// on corosync's port. Decisions that would be dangerous on a guess (forcing
// quorum) depend on it: a node cut off from healthy peers must never be
// told to `pvecm expected 1`.
#pragma once

#include "inputs.hpp"

#include <string>
#include <vector>

namespace pmxsnap::doctor {

// A ring address is either numeric or a name corosync resolves itself.
std::vector<std::string> addresses_of(const Inputs& in, const std::string& ring_address);
// The local interface that holds address; empty when none does.
std::string interface_with(const Inputs& in, const std::string& address);

// The running nodelist's name of nodeid, or "nodeid N".
std::string name_of(const corosync::LiveView& live, std::uint32_t nodeid);

// This node's ring addresses as corosync runs them (the running nodelist
// when corosync answered, else the file's entry for this host): ring → address.
std::map<int, std::string> running_ring_addresses(const Inputs& in);

struct Situation {
    std::vector<std::string> ring_interfaces;            // "eth0", each once
    std::vector<std::string> interfaces_without_carrier; // of those
    std::vector<std::string> peers;                      // running nodelist, this node aside
    bool every_link_down = false;                        // peers configured, no knet link up to any
    std::vector<std::string> peers_stopped;              // host answers, nothing on corosync's port
    std::vector<std::string> peers_gone;                 // host unreachable (no ARP answer)
    std::vector<std::string> peers_silent; // a corosync, or a firewall, that says nothing

    bool no_carrier() const {
        return !ring_interfaces.empty() &&
               interfaces_without_carrier.size() == ring_interfaces.size();
    }
    // Cut off: no carrier on any ring interface, or no link to any peer
    // while every peer's port is silent (their corosync runs; UDP does not
    // pass between this node and them).
    bool cut_off() const {
        return no_carrier() ||
               (every_link_down && !peers.empty() && peers_silent.size() == peers.size());
    }
    // The only state in which doctor names `pvecm expected 1`: this node has
    // carrier, no link reaches any peer, and no peer's host answers on the
    // ring network at all. Even then the operator confirms it on consoles:
    // a dead switch looks the same from here.
    bool shown_last_alive() const {
        return interfaces_without_carrier.empty() && every_link_down && !peers.empty() &&
               peers_gone.size() == peers.size();
    }
};

Situation assess(const Inputs& in);

// Whether gather should ask the peers' ring addresses (every link down, and
// this node's link has carrier: otherwise the answer is known already).
bool worth_probing_peers(const Inputs& in);

} // namespace pmxsnap::doctor
