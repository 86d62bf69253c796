// What every doctor check reads, gathered once: the host through --root, the
// corosync.conf copies, the db (through a consistent copy), the newest
// snapshots of this node and its peers, the running cluster (unless
// --offline) and the log text (--log FILE). Reading never writes anything.
#pragma once

#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/corosync/limits.hpp"
#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/corosync/peer_probe.hpp"
#include "pmxsnap/host/clock.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/host/interfaces.hpp"
#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/host/processes.hpp"
#include "pmxsnap/host/units.hpp"
#include "pmxsnap/repo/repository.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::doctor {

struct CorosyncCopy {
    std::string name;                // "/etc/corosync/corosync.conf"
    std::optional<std::string> text; // nullopt: missing
    std::optional<corosync::ParseResult> parsed;
    std::optional<std::uint64_t>
        oversize; // its size, when over corosync::max_conf_bytes (text unread)
};

struct Inputs {
    explicit Inputs(host::Host h)
        : host(std::move(h)) {}
    host::Host host;
    std::string node;                     // empty: node_problem says why
    std::string node_problem;             // no /etc/hostname under --root, an empty one
    CorosyncCopy local;                   // /etc/corosync/corosync.conf
    CorosyncCopy cluster;                 // /etc/pve/corosync.conf (from the db)
    corosync::RulesChoice corosync_rules; // whose grammar both copies are read by
    std::optional<std::string> db_error;
    std::optional<configdb::Tree> tree;
    std::vector<std::string> db_integrity_problems;
    std::optional<std::string> authkey_sha256;   // /etc/corosync/authkey
    std::vector<repo::Snapshot> newest_per_node; // this cluster, every node
    std::string identity; // for encrypted snapshots; empty: they are not read
    // The reference for an incident: this node's newest snapshot marked good
    // (never merely the newest: the automation may have archived the damage).
    std::optional<std::string> good_snapshot_file;     // its file name, for decisions
    std::optional<std::string> last_snapshot_corosync; // its corosync.conf
    std::optional<std::string> last_snapshot_problem;  // why it could not be read
    std::optional<corosync::LiveView> live;            // nullopt when --offline
    std::optional<std::string> log;                    // --log FILE, or this boot's journal
    std::string log_source;                            // "FILE" or "journal"

    // The live host's own state; empty/nullopt when --offline or --root.
    bool probed_host = false;
    std::map<std::string, host::UnitState> units; // "corosync.service" → state
    std::vector<host::InterfaceAddress> interfaces;
    std::map<std::string, unsigned> interface_mtus;
    std::map<std::string, bool> interface_carrier; // interface → has a link
    // What the newest readable snapshot of each node recorded of its MTUs
    // (its runtime view), this node's own included.
    struct RecordedMtus {
        std::string node;
        std::string snapshot;                            // its file name
        std::map<std::string, unsigned> ring_interfaces; // interface → MTU
        std::map<std::uint32_t, unsigned> knet;          // peer nodeid → knet's path MTU
    };
    std::vector<RecordedMtus> recorded_mtus;
    // Each peer's ring0 address asked with don't-fragment packets of this
    // node's ring MTU and of IPv4's minimum, 576 (live, not --offline).
    struct PathMtuProbe {
        std::string peer, address;
        unsigned size = 0;
        std::optional<bool> full, minimum; // answered; nullopt: ping could not run
    };
    std::vector<PathMtuProbe> path_mtu_probes;
    // Only when no knet link reaches any peer and this node has carrier:
    // each peer's ring0_addr asked on corosync's port (see situation.hpp).
    std::vector<corosync::PortProbe> peer_probes;
    // When corosync did not answer: its process in this network namespace
    // (nullopt: none runs) — hung and stopped get different advice.
    struct Process {
        pid_t pid = 0;
        std::optional<host::ProcessStatus> status;
    };
    std::optional<Process> corosync_process;
    std::optional<host::Mount> pve_mount;
    std::optional<host::ClockState> clock;

    // Names → addresses: getaddrinfo on the live host, the root's /etc/hosts
    // otherwise (source says which).
    std::map<std::string, std::vector<std::string>> resolved;
    std::string resolution_source;
    bool resolution_timed_out = false;

    // The corosync.conf corosync itself reads when it parses, else the cluster copy.
    const corosync::Config* effective_config() const;
    const corosync::Node* this_node() const;
};

struct GatherOptions {
    bool offline = false;
    std::string repo;
    std::string log_file;
    std::string identity; // age identity file: reads encrypted snapshots too
};

Inputs gather(const host::Host& host, const GatherOptions& options);

} // namespace pmxsnap::doctor
