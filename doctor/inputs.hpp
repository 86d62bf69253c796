// What every doctor check reads, gathered once: the host through --root, the
// corosync.conf copies, the db (through a consistent copy), the newest
// snapshots of this node and its peers, the running cluster (unless
// --offline) and the log text (--log FILE). Reading never writes anything.
#pragma once

#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/host/clock.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/host/interfaces.hpp"
#include "pmxsnap/host/mounts.hpp"
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
};

struct Inputs {
    explicit Inputs(host::Host h)
        : host(std::move(h)) {}
    host::Host host;
    std::string node;
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
