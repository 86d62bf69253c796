#include "facts.hpp"

#include "host_identity.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fcntl.h>

namespace pmxsnap::restore {
namespace {

class KeepClusterConf : public archive::MemberHandler {
  public:
    bool wants(const archive::Member& m) override { return m.path == "pve/corosync.conf"; }
    void data(std::string_view chunk) override { text.append(chunk); }
    std::string text;
};

LiveDb read_live_db(const host::Host& host) {
    LiveDb db;
    auto path = host.resolve(host::paths::config_db);
    db.exists = fs::exists(path);
    if (!db.exists)
        return db;
    try {
        TempDir scratch;
        configdb::copy_consistent(path, scratch / "config.db");
        auto opened = configdb::Database::open_readonly(scratch / "config.db", path.string());
        if (auto problems = opened.integrity_problems(); !problems.empty()) {
            db.problem = "integrity_check: " + problems.front();
            return db;
        }
        auto tree = configdb::Tree::load(opened);
        if (auto violations = configdb::check_invariants(tree); !violations.empty())
            db.problem = violations.front().message;
        if (auto root = tree.root_version()) {
            db.root_version = root->version;
            db.root_mtime = root->mtime;
        }
    } catch (const Error& e) {
        db.problem = e.what();
    }
    return db;
}

} // namespace

bool HostFacts::cluster_alive() const {
    return runtime && runtime->reachable && runtime->quorate.value_or(false) &&
           runtime->joined_members() > 1;
}

bool HostFacts::node_in_running_nodelist() const {
    if (!runtime || !runtime->reachable)
        return false;
    for (const auto& n : runtime->nodelist)
        if (n.name == node)
            return true;
    return false;
}

bool HostFacts::membership_seen() const {
    return runtime && runtime->reachable && runtime->joined_members() > 1;
}

bool HostFacts::peers_gone(const ArchiveFacts& archive) const {
    if (!probed || membership_seen())
        return false;
    std::size_t asked = 0;
    for (const auto& n : archive.nodelist) {
        if (n.name == archive.manifest.node)
            continue;
        bool any = false;
        for (const auto& peer : peers) {
            if (peer.node != n.name)
                continue;
            if (peer.probe.answer != corosync::PortProbe::Answer::unreachable)
                return false;
            any = true;
        }
        if (!any)
            return false; // a node with no address asked: nothing shows it gone
        ++asked;
    }
    return asked > 0;
}

void probe_peers(const ArchiveFacts& archive, HostFacts& host) {
    if (!host.probed || host.membership_seen())
        return;
    std::vector<corosync::PortProbe> targets;
    std::vector<std::string> owners;
    for (const auto& n : archive.nodelist) {
        if (n.name == archive.manifest.node)
            continue;
        for (const auto& address : n.ring_addresses) {
            targets.push_back({address, corosync::knet_default_port, {}, {}});
            owners.push_back(n.name);
        }
    }
    auto answers = corosync::probe_udp_ports(std::move(targets));
    for (std::size_t i = 0; i < answers.size(); ++i)
        host.peers.push_back({owners[i], answers[i]});
}

std::string ArchiveFacts::ring0_of(const std::string& node) const {
    for (const auto& n : nodelist)
        if (n.name == node)
            return n.ring0_addr;
    return {};
}

ArchiveFacts read_archive_facts(const fs::path& archive, const fs::path& identity) {
    archive::ArchiveInput input(archive, identity);
    archive::Reader reader(input.source());
    ArchiveFacts facts{archive, reader.manifest(), {}};
    KeepClusterConf keep;
    reader.read_members(keep);
    auto parsed = corosync::parse_config(keep.text);
    if (parsed.ok())
        for (const auto& node : parsed.config->nodes) {
            auto ring0 = node.ring_addresses.find(0);
            ArchiveFacts::Node entry{
                node.name, ring0 == node.ring_addresses.end() ? "" : ring0->second, {}};
            for (const auto& [link, address] : node.ring_addresses) // std::map: ring0 first
                entry.ring_addresses.push_back(address);
            facts.nodelist.push_back(std::move(entry));
        }
    return facts;
}

HostFacts read_host_facts(const host::Host& host, bool offline) {
    HostFacts facts;
    auto identity = read_host_identity(host);
    facts.node = identity.node;
    facts.cluster = identity.cluster;
    facts.db = read_live_db(host);
    facts.holders = host::processes_holding(host.resolve("/var/lib/pve-cluster"));
    if (host.is_live()) {
        facts.services = host::processes_named({"pmxcfs", "corosync"});
        auto mount = host::mount_at(host::current_mounts(), host::paths::pve_mount);
        facts.pve_mounted =
            mount && (mount->fs_type == "fuse" || mount->fs_type.starts_with("fuse."));
        if (!offline) {
            facts.probed = true;
            facts.runtime = corosync::probe_live_cluster();
        }
    }
    return facts;
}

} // namespace pmxsnap::restore
