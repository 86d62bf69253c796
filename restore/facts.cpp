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
#include <fmt/format.h>

#include <map>

namespace pmxsnap::restore {

bool is_fact_source(const archive::Member& m) {
    for (const char* path : {"pve/corosync.conf", "pve/ha/resources.cfg", "pve/ha/groups.cfg",
                             "pve/ha/rules.cfg", "pve/replication.cfg"})
        if (m.path == path)
            return !m.is_directory;
    return false;
}

namespace {

// corosync.conf and the configs that may name a node (bounded by pmxcfs's
// 1 MiB per file, which the reader checks against the manifest).
class KeepClusterConfigs : public archive::MemberHandler {
  public:
    bool wants(const archive::Member& m) override { return is_fact_source(m); }
    void begin(const archive::Member& m) override { current_ = &texts[m.path.substr(4)]; }
    void data(std::string_view chunk) override { current_->append(chunk); }
    std::map<std::string, std::string> texts; // by /etc/pve path

  private:
    std::string* current_ = nullptr;
};

bool names_node(std::string_view line, const std::string& node) {
    for (auto at = line.find(node); at != std::string_view::npos; at = line.find(node, at + 1)) {
        auto before = at == 0 ? ' ' : line[at - 1];
        auto after = at + node.size() < line.size() ? line[at + node.size()] : ' ';
        auto separates = [](char c) { return c == ' ' || c == '\t' || c == ',' || c == ':'; };
        if (separates(before) && separates(after))
            return true;
    }
    return false;
}

// Each line of these configs naming the node as a word: the HA rules and
// groups it is in, the replication jobs targeting it.
std::vector<std::string> mentions(const std::map<std::string, std::string>& texts,
                                  std::initializer_list<const char*> files,
                                  const std::string& node) {
    std::vector<std::string> out;
    for (const char* file : files) {
        auto text = texts.find(file);
        if (text == texts.end())
            continue;
        std::string_view rest = text->second;
        while (!rest.empty()) {
            auto end = rest.find('\n');
            auto line = rest.substr(0, end);
            rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
            auto start = line.find_first_not_of(" \t");
            if (start != std::string_view::npos && names_node(line, node))
                out.push_back(fmt::format("{}: {}", file, line.substr(start)));
        }
    }
    return out;
}

void add_identity(ArchiveFacts& facts) {
    const auto& node = facts.manifest.node;
    auto guests_of = fmt::format("pve/nodes/{}/", node);
    for (const auto& m : facts.manifest.members) {
        if (m.is_directory)
            continue;
        if (m.path.starts_with("host/etc/ssh/ssh_host_") && m.path.ends_with("_key"))
            facts.private_host_keys = true;
        if (!m.path.starts_with(guests_of) || !m.path.ends_with(".conf"))
            continue;
        auto guest = m.path.substr(guests_of.size(), m.path.size() - guests_of.size() - 5);
        if ((guest.starts_with("qemu-server/") || guest.starts_with("lxc/")) &&
            guest.find('/', guest.find('/') + 1) == std::string::npos)
            facts.guests.push_back(guest);
    }
}

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
    if (!probed || membership_seen() || asked_peer) // a peer that answers is not gone
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
    return archive_facts_from(archive, reader.manifest(),
                              [&](archive::MemberHandler& keep) { reader.read_members(keep); });
}

ArchiveFacts archive_facts_from(const fs::path& archive, archive::Manifest manifest,
                                const MemberSource& members) {
    ArchiveFacts facts{archive, std::move(manifest), {}, false, {}, {}, {}};
    KeepClusterConfigs keep;
    members(keep);
    add_identity(facts);
    const auto& this_node = facts.manifest.node;
    facts.ha_mentions =
        mentions(keep.texts, {"ha/resources.cfg", "ha/groups.cfg", "ha/rules.cfg"}, this_node);
    facts.replication_mentions = mentions(keep.texts, {"replication.cfg"}, this_node);
    auto parsed = corosync::parse_config(keep.texts["corosync.conf"]);
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
