#include "facts.hpp"

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

std::string cluster_of(const host::Host& host) {
    auto text = host.read_text_if_exists(host::paths::corosync_conf);
    if (!text)
        return {};
    auto parsed = corosync::parse_config(*text);
    return parsed.ok() ? parsed.config->cluster_name : std::string();
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
            facts.nodelist.push_back(
                {node.name, ring0 == node.ring_addresses.end() ? "" : ring0->second});
        }
    return facts;
}

HostFacts read_host_facts(const host::Host& host, bool offline) {
    HostFacts facts;
    try {
        facts.node = host.node_name();
    } catch (const Error&) {
    }
    facts.cluster = cluster_of(host);
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
