#include "inputs.hpp"

#include "mtu_inputs.hpp"
#include "situation.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/host/journal.hpp"
#include "pmxsnap/host/names.hpp"
#include "pmxsnap/host/neighbours.hpp"
#include "pmxsnap/host/packages.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/sha256.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fcntl.h>

#include <algorithm>
#include <map>
#include <set>

namespace pmxsnap::doctor {
namespace {

// By the rules of the node's own corosync: what it will do at its restart.
void parse_copy(CorosyncCopy& copy, const corosync::Rules& rules) {
    if (copy.text)
        copy.parsed = corosync::parse_config(*copy.text, rules);
}

// At most corosync::max_conf_bytes: a 200 MB file is a finding (conf.parse),
// never the end of doctor.
void read_local_copy(Inputs& in) {
    auto path = in.host.resolve(host::paths::corosync_conf);
    std::error_code error;
    auto size = fs::file_size(path, error);
    if (!error && size > corosync::max_conf_bytes) {
        in.local.oversize = size;
        return;
    }
    in.local.text = read_file_if_exists(path, corosync::max_conf_bytes);
}

void read_db(Inputs& in) {
    auto live_db = in.host.resolve(host::paths::config_db);
    try {
        TempDir scratch;
        configdb::copy_consistent(live_db, scratch / "config.db");
        auto db = configdb::Database::open_readonly(scratch / "config.db", live_db.string());
        in.tree = configdb::Tree::load(db);
        in.db_integrity_problems = db.integrity_problems();
        for (const auto& entry : in.tree->paths())
            if (entry.path == "corosync.conf" && entry.entry->is_file())
                in.cluster.text = db.read_data(entry.entry->inode);
    } catch (const Error& e) {
        in.db_error = e.what();
    }
}

// The cluster whose snapshots are read: the one corosync.conf names; when
// neither copy says (both cut short, the db unreadable), the repository's
// only cluster, as the selectors choose it, so that the latest-good a
// decision prints is the archive doctor compared with and names.
std::string cluster_name(const Inputs& in, const repo::Repository& repository) {
    for (const auto* copy : {&in.local, &in.cluster})
        if (copy->parsed && copy->parsed->ok() && !copy->parsed->config->cluster_name.empty())
            return copy->parsed->config->cluster_name;
    std::set<std::string> clusters;
    for (const auto& directory : repository.node_directories())
        clusters.insert(directory.cluster);
    return clusters.size() == 1 ? *clusters.begin() : "standalone";
}

// The corosync.conf this node's newest good archive holds (content checked
// by the safe reader; the signature is verify's job).
class KeepCorosyncConf : public archive::MemberHandler {
  public:
    void begin(const archive::Member& m) override {
        wanted_ = m.path == archive::corosync_conf_member;
        current_.clear();
    }
    void data(std::string_view chunk) override {
        if (wanted_)
            current_.append(chunk);
    }
    void end(const archive::Member&) override {
        if (wanted_)
            text = current_;
    }
    std::optional<std::string> text;

  private:
    bool wanted_ = false;
    std::string current_;
};

void read_snapshots(Inputs& in, const std::string& repo_path, const std::string& identity) {
    std::error_code error;
    if (repo_path.empty() || !fs::is_directory(repo_path, error))
        return;
    repo::Repository repository(repo_path);
    std::map<std::string, repo::Snapshot> newest, newest_good;
    for (auto& s :
         repository.list(cluster_name(in, repository))) { // oldest first: the last one stays
        newest[s.node] = s;
        if (s.comment && s.comment->is_good())
            newest_good[s.node] = s;
    }
    for (auto& [node, snapshot] : newest)
        in.newest_per_node.push_back(snapshot);
    auto mine = newest_good.find(in.node);
    in.identity = identity;
    if (mine == newest_good.end())
        return;
    in.good_snapshot_file = mine->second.archive.filename().string();
    if (mine->second.encrypted && identity.empty())
        return;
    try {
        archive::ArchiveInput input(mine->second.archive, identity);
        archive::Reader reader(input.source());
        KeepCorosyncConf keep;
        reader.read_members(keep);
        in.last_snapshot_corosync = keep.text;
    } catch (const ErrorBase& e) {
        // A damaged or unreadable archive is verify's finding; doctor has no
        // copy to compare with and says so (conf.copies), never "agree".
        in.last_snapshot_problem = fmt::format("{}: {}", mine->second.archive.string(), e.what());
    }
}

void probe_host(Inputs& in) {
    in.probed_host = true;
    for (const char* unit : {"corosync.service", "pve-cluster.service"})
        in.units[unit] = host::unit_state(unit, std::chrono::seconds(2));
    in.interfaces = host::interface_addresses();
    for (const auto& address : in.interfaces)
        if (!in.interface_mtus.count(address.interface))
            if (auto mtu = host::interface_mtu(address.interface))
                in.interface_mtus[address.interface] = *mtu;
    for (const auto& address : in.interfaces)
        if (auto carrier = host::interface_has_carrier(address.interface))
            in.interface_carrier[address.interface] = *carrier;
    in.pve_mount = host::mount_at(host::current_mounts(), host::paths::pve_mount);
    in.clock = host::clock_state();
}

// The corosync that serves this node: the one in this network namespace.
void find_corosync_process(Inputs& in) {
    for (const auto& process : host::processes_named({"corosync"}))
        if (host::in_this_network_namespace(process.pid)) {
            in.corosync_process = Inputs::Process{process.pid, host::process_status(process.pid)};
            return;
        }
}

// Each peer's ring0_addr on corosync's port, all at once, bounded (4 s:
// long enough for the kernel to give up on ARP, ~3 s).
void probe_peers(Inputs& in) {
    std::vector<corosync::PortProbe> targets;
    for (const auto& node : in.live->nodelist) {
        auto ring0 = node.ring_addresses.find(0);
        if (node.nodeid != in.live->local_nodeid && ring0 != node.ring_addresses.end())
            targets.push_back({ring0->second, corosync::knet_default_port, {}, {}});
    }
    in.peer_probes = corosync::probe_udp_ports(std::move(targets), std::chrono::seconds(4));
    // A silent port with no ARP answer behind it is a host that is not
    // there (the kernel may take longer than the probe to say so), not a
    // corosync that runs behind a firewall.
    auto neighbours = host::arp_neighbours();
    for (auto& probe : in.peer_probes) {
        auto entry = neighbours.find(probe.address);
        if (probe.answer == corosync::PortProbe::Answer::silent && entry != neighbours.end() &&
            !entry->second) {
            probe.answer = corosync::PortProbe::Answer::unreachable;
            probe.detail = "no ARP answer (/proc/net/arp)";
        }
    }
}

// The names that matter to corosync and pmxcfs: this host's and every node's.
std::vector<std::string> names_to_resolve(const Inputs& in) {
    std::vector<std::string> names;
    if (!in.node.empty())
        names.push_back(in.node);
    if (const auto* config = in.effective_config())
        for (const auto& node : config->nodes)
            if (!node.name.empty() &&
                std::find(names.begin(), names.end(), node.name) == names.end())
                names.push_back(node.name);
    return names;
}

void resolve(Inputs& in, bool use_resolver) {
    auto names = names_to_resolve(in);
    if (use_resolver) {
        auto resolution = host::resolve_names(names, std::chrono::seconds(2));
        in.resolved = std::move(resolution.addresses);
        in.resolution_timed_out = resolution.timed_out;
        in.resolution_source = "getaddrinfo";
        return;
    }
    in.resolution_source = in.host.resolve(host::paths::hosts).string();
    auto hosts = in.host.read_text_if_exists(host::paths::hosts).value_or("");
    for (const auto& name : names)
        in.resolved[name] = host::hosts_file_addresses(hosts, name);
}

} // namespace

const corosync::Config* Inputs::effective_config() const {
    for (const auto* copy : {&local, &cluster})
        if (copy->parsed && copy->parsed->ok())
            return &*copy->parsed->config;
    return nullptr;
}

const corosync::Node* Inputs::this_node() const {
    const auto* config = effective_config();
    return config && !node.empty() ? config->find_node_by_name(node) : nullptr;
}

Inputs gather(const host::Host& host, const GatherOptions& options) {
    Inputs in(host);
    try {
        in.node = host.node_name();
    } catch (const Error& e) {
        in.node_problem = e.what(); // conf.nodeid-name says it
    }
    in.local.name = host::paths::corosync_conf;
    read_local_copy(in);
    in.cluster.name = "/etc/pve/corosync.conf";
    read_db(in);
    in.corosync_rules = corosync::choose_rules(host::installed_package_version(in.host, "corosync"),
                                               host::debian_release(in.host));
    parse_copy(in.local, in.corosync_rules.rules);
    parse_copy(in.cluster, in.corosync_rules.rules);
    if (auto key = read_file_if_exists(host.resolve(host::paths::corosync_authkey), 1 << 20))
        in.authkey_sha256 = sha256_hex(*key);
    read_snapshots(in, options.repo, options.identity);
    read_recorded_mtus(in);
    bool live = !options.offline && host.is_live();
    if (live) {
        in.live = corosync::probe_live_cluster(std::chrono::seconds(3));
        probe_host(in);
        if (!in.live->reachable)
            find_corosync_process(in);
    }
    resolve(in, live);
    if (live && worth_probing_peers(in))
        probe_peers(in);
    else if (live)
        probe_path_mtus(in);
    if (!options.log_file.empty()) {
        in.log = read_file(options.log_file, 256 << 20);
        in.log_source = options.log_file;
    } else if (live) {
        in.log = host::journal_this_boot({"corosync.service", "pve-cluster.service"}, 100000);
        in.log_source = "journal";
    }
    return in;
}

} // namespace pmxsnap::doctor
