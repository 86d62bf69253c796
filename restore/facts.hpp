// What a restore decision rests on, read once and never written: the archive
// (its manifest, its cluster's nodelist) and the host through --root (the
// live db's version, the services holding the db, /etc/pve, the running
// cluster when reachable).
#pragma once

#include "peer_facts.hpp"

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/corosync/peer_probe.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/host/processes.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::restore {

struct ArchiveFacts {
    fs::path path;
    archive::Manifest manifest;
    struct Node {
        std::string name;
        std::string ring0_addr;
        std::vector<std::string> ring_addresses; // every link's, ring0 first
    };
    std::vector<Node> nodelist; // the archive's /etc/pve/corosync.conf
    std::string ring0_of(const std::string& node) const;
    // The node's identity as archived: its private SSH host keys (encrypted
    // archives with --include-host-keys), its guests ("qemu-server/100",
    // "lxc/200" under nodes/<node>/), and the lines of the HA and
    // replication configs that name it.
    bool private_host_keys = false;
    std::vector<std::string> guests;
    std::vector<std::string> ha_mentions;          // "ha/rules.cfg: nodes pve1,pve2"
    std::vector<std::string> replication_mentions; // "replication.cfg: target pve1"
};

struct LiveDb {
    bool exists = false;
    std::optional<std::int64_t> root_version; // nullopt: unreadable or corrupt
    std::optional<std::int64_t> root_mtime;
    std::string problem; // why it is unreadable, or its first pmxcfs rule violation
};

struct HostFacts {
    std::string node;    // this host's name (empty when /etc/hostname is missing)
    std::string cluster; // the cluster /etc/corosync/corosync.conf names, empty: none
    LiveDb db;
    std::vector<host::Process> services; // pmxcfs / corosync running (live host)
    std::vector<host::Process> holders;  // processes holding files under /var/lib/pve-cluster
    bool pve_mounted = false;
    bool probed = false; // the running cluster was asked (live host, not --offline)
    std::optional<corosync::LiveView> runtime;

    // The archive's other nodes asked on corosync's port (probe_peers);
    // empty when not asked (--offline, --root, or a quorate cluster seen).
    struct PeerAnswer {
        std::string node;
        corosync::PortProbe probe;
    };
    std::vector<PeerAnswer> peers;
    // The peer asked over SSH (restore plan --peer HOST).
    std::optional<PeerFacts> asked_peer;

    bool cluster_alive() const; // reachable, quorate, with other members
    bool node_in_running_nodelist() const;
    // This node's corosync shows other members (quorate or not).
    bool membership_seen() const;
    // Shown gone, not guessed: asked, no membership with others is seen, and
    // every ring address of every other node of the archive is unreachable.
    bool peers_gone(const ArchiveFacts& archive) const;
};

// identity: the age identity file when the archive is encrypted (may be empty).
ArchiveFacts read_archive_facts(const fs::path& archive, const fs::path& identity);
// The same from members already read (restore apply's KeptMembers): members
// gives a handler the archive's members, as Reader::read_members does.
using MemberSource = std::function<void(archive::MemberHandler&)>;
ArchiveFacts archive_facts_from(const fs::path& archive, archive::Manifest manifest,
                                const MemberSource& members);
// The members the facts are read from (corosync.conf, the HA and
// replication configs).
bool is_fact_source(const archive::Member& member);
HostFacts read_host_facts(const host::Host& host, bool offline);
// Asks the archive's other nodes' ring addresses (only when the host was
// probed: live and not --offline); fills host.peers.
void probe_peers(const ArchiveFacts& archive, HostFacts& host);

} // namespace pmxsnap::restore
