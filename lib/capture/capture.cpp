#include "pmxsnap/capture/capture.hpp"

#include "host_members.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/state_digest.hpp"
#include "pmxsnap/corosync/limits.hpp"
#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/health/health.hpp"
#include "pmxsnap/host/interfaces.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <algorithm>
#include <future>
#include <set>
#include <span>

namespace pmxsnap::capture {
namespace {

struct FileDigest {
    std::int64_t size = 0;
    Sha256Digest sha256;
};

FileDigest digest_file(const fs::path& path) {
    FileDigest result;
    Sha256 digest;
    read_chunks(path, [&](std::string_view chunk) {
        digest.update(chunk);
        result.size += static_cast<std::int64_t>(chunk.size());
    });
    result.sha256 = Sha256Digest(digest.finish());
    return result;
}

void add_db_member(Capture& c, const configdb::Tree& tree, FileDigest digest) {
    auto mtime = tree.root_version() ? tree.root_version()->mtime : 0;
    c.header.members.push_back(directory_member("db", 0700, mtime));
    archive::Member db;
    db.path = archive::db_member;
    db.mode = 0600;
    db.mtime = mtime;
    db.size = digest.size;
    db.sha256 = digest.sha256;
    c.header.members.push_back(std::move(db));
}

// Three connections read the private copy (the tree's, which the archive's
// writing then uses, and one for each half of the digest scan). A memory
// map spares a pread per page (a tenth of the write on the 32-node
// fixture) but adds the mapped bytes to resident memory in each: worth it
// up to a size, not for a db near pmxcfs's limit (157 MB on the benchmark's
// max).
std::uint64_t mappable_bytes(const fs::path& db_copy) {
    constexpr std::uint64_t largest_mapped = 32u << 20;
    auto size = fs::file_size(db_copy);
    return size <= largest_mapped ? size : 0;
}

// A connection to the private copy, for reading only. Its cache is half
// the default: every read of capture and of the archive's writing is a
// scan, or a lookup by inode that needs only the b-tree's inner pages
// cached (about 450 KB on a pmxcfs-maximum db), and the default 2 MB per
// connection was that much more of snapshot's peak.
std::unique_ptr<configdb::Database> open_copy(const fs::path& db_copy,
                                              const std::string& shown_as) {
    auto db =
        std::make_unique<configdb::Database>(configdb::Database::open_readonly(db_copy, shown_as));
    db->handle().exec("PRAGMA cache_size=-1024");
    db->map_into_memory(mappable_bytes(db_copy));
    db->hold_read_transaction();
    return db;
}

// Each file's length and digest, from one scan of the table in inode order
// split between two threads, each with a connection of its own (the copy is
// private and only read). It runs once the tree is gone: the digests held
// beside the tree and the member list were snapshot's peak.
using FileSlots = std::span<const PveMembers::FileSlot>;

void digest_part(const fs::path& db_copy, const std::string& shown_as,
                 configdb::Database::Side side, std::int64_t split, FileSlots files,
                 PveMembers& pve) {
    auto db = open_copy(db_copy, shown_as);
    auto next = files.begin();
    auto not_read = [&] {
        fail("config.db copy: inode {} was not read with the others", next->inode);
    };
    std::optional<std::int64_t> previous;
    db->for_each_data(side, split, [&](std::int64_t inode, std::string_view data) {
        // Rows sharing an inode (only a hand-made db, without pmxcfs's
        // primary key, has them) stand for one member: the first is digested.
        if (previous == inode)
            return;
        previous = inode;
        if (next != files.end() && next->inode < inode)
            not_read();
        if (next == files.end() || next->inode != inode)
            return; // a directory, or a row that is no member
        auto sha = Sha256().update(data).finish();
        for (; next != files.end() && next->inode == inode; ++next)
            pve.set_digest(next->row, static_cast<std::uint32_t>(data.size()), sha);
    });
    if (next != files.end())
        not_read();
}

void digest_files(const fs::path& db_copy, const std::string& shown_as, PveMembers& pve) {
    auto files = pve.files_by_inode();
    if (files.empty())
        return;
    auto split = files[files.size() / 2].inode;
    auto middle = std::ranges::lower_bound(files, split, {}, &PveMembers::FileSlot::inode);
    FileSlots below(files.begin(), middle), from(middle, files.end());
    using Side = configdb::Database::Side;
    auto lower = std::async(std::launch::async, digest_part, std::cref(db_copy),
                            std::cref(shown_as), Side::below, split, below, std::ref(pve));
    digest_part(db_copy, shown_as, Side::from, split, from, pve);
    lower.get();
}

// In parse_copy's words: a file over the limit is not read to be parsed.
void warn_oversize(Capture& c, const std::string& name, std::uint64_t size) {
    c.warnings.push_back(fmt::format("{} does not parse ({}: {}): captured as it is", name, name,
                                     corosync::oversize_conf_meaning(size)));
}

std::optional<corosync::Config> parse_copy(const std::string& text, const std::string& name,
                                           Capture& c) {
    auto result = corosync::parse_config(text);
    if (!result.ok()) {
        c.warnings.push_back(fmt::format("{} does not parse ({}): captured as it is", name,
                                         result.error->to_string(name)));
        return std::nullopt;
    }
    return result.config;
}

void add_corosync_facts(const host::Host& host, Capture& c) {
    std::optional<corosync::Config> host_copy, pve_copy;
    // The captured member when the profile holds it; never more than one
    // over the limit read otherwise (parse_copy then says what it is).
    auto text = c.file_data(archive::host_member_path(host::paths::corosync_conf));
    if (auto facts = text ? std::nullopt : host.facts(host::paths::corosync_conf)) {
        if (static_cast<std::uint64_t>(facts->size) > corosync::max_conf_bytes)
            warn_oversize(c, host::paths::corosync_conf, facts->size);
        else
            text = host.read_text_if_exists(host::paths::corosync_conf);
    }
    if (text)
        host_copy = parse_copy(*text, host::paths::corosync_conf, c);
    auto pve_conf = c.file_data(archive::pve_member_path("corosync.conf"));
    if (pve_conf)
        pve_copy = parse_copy(*pve_conf, "/etc/pve/corosync.conf", c);
    if (host_copy)
        c.header.corosync.host_config_version = host_copy->config_version;
    if (pve_copy)
        c.header.corosync.pve_config_version = pve_copy->config_version;
    if (const auto& cluster = pve_copy ? pve_copy : host_copy)
        for (const auto& node : cluster->nodes)
            c.nodelist.push_back(node.name);
    for (const auto* copy : {&host_copy, &pve_copy})
        if (*copy && !(*copy)->cluster_name.empty() && c.header.cluster.empty())
            c.header.cluster = (*copy)->cluster_name;
    if (c.header.cluster.empty()) {
        bool has_any = host.facts(host::paths::corosync_conf) || pve_conf;
        if (has_any)
            fail("cannot tell the cluster name: no corosync.conf copy parses (run `pmxsnap "
                 "doctor` and `pmxsnap inspect {}`)",
                 host.resolve(host::paths::corosync_conf).string());
        c.header.cluster = "standalone";
    }
}

void add_authkey_digests(const host::Host& host, Capture& c) {
    if (auto key = read_file_if_exists(host.resolve(host::paths::corosync_authkey), 1 << 20))
        c.header.authkeys.corosync = sha256_hex(*key);
    auto key = c.pve.find(archive::pve_member_path("priv/authkey.key"));
    if (key && !c.pve.is_directory(*key))
        c.header.authkeys.pve = Sha256Digest(c.pve.sha256(*key)).hex();
}

// Its own connection, on its own thread: the check reads every page of the
// copy while the tree loads (the pages are in the page cache by then).
std::vector<std::string> integrity_of(const fs::path& db_copy) {
    return configdb::Database::open_readonly(db_copy, "config.db").integrity_problems();
}

std::vector<std::string> node_directory_names(const configdb::Tree& tree) {
    constexpr std::string_view nodes = "nodes/";
    std::vector<std::string> names;
    for (const auto& entry : tree.paths())
        if (entry.path.starts_with(nodes) && entry.entry->is_directory() &&
            entry.path.find('/', nodes.size()) == std::string_view::npos)
            names.emplace_back(entry.path.substr(nodes.size()));
    return names;
}

archive::Health assess_health(const host::Host& host, const Capture& c,
                              std::vector<std::string> integrity,
                              std::vector<std::string> node_directories) {
    health::StateFacts facts;
    facts.node = c.header.node;
    facts.host_corosync = c.file_data(archive::host_member_path(host::paths::corosync_conf));
    facts.pve_corosync = c.file_data(archive::pve_member_path("corosync.conf"));
    facts.db_integrity = std::move(integrity);
    facts.db_violations = c.violations;
    facts.db_write_limits = c.write_limits;
    facts.node_directories = std::move(node_directories);
    facts.corosync_authkey = host.facts(host::paths::corosync_authkey).has_value();
    facts.pve_authkey = c.header.authkeys.pve.has_value();
    return health::assess(facts);
}

} // namespace

void Capture::for_each_member(const archive::MemberVisitor& visit) const {
    auto split = header.members.begin() + static_cast<std::ptrdiff_t>(pve_at);
    std::for_each(header.members.begin(), split, visit);
    pve.for_each(visit);
    std::for_each(split, header.members.end(), visit);
}

archive::MemberWalk Capture::members() const& {
    return [this](const archive::MemberVisitor& visit) { for_each_member(visit); };
}

std::int64_t Capture::total_member_bytes() const {
    return archive::saturating_add(header.total_member_bytes(), pve.total_file_bytes());
}

archive::Manifest Capture::full_manifest() const {
    archive::Manifest full = header;
    full.members.clear();
    full.members.reserve(member_count());
    for_each_member([&](const archive::Member& member) { full.members.push_back(member); });
    return full;
}

std::optional<std::string> Capture::file_data(std::string_view member_path) const {
    if (auto host = host_data.find(std::string(member_path)); host != host_data.end())
        return host->second;
    auto found = pve.find(member_path);
    if (!found || pve.is_directory(*found))
        return std::nullopt;
    return db->read_data(pve.inode(*found));
}

bool is_node_local_config(std::string_view host_path) {
    for (std::string_view fixed : {"/etc/corosync/corosync.conf", "/etc/hostname", "/etc/hosts",
                                   "/etc/resolv.conf", "/etc/network/interfaces"})
        if (host_path == fixed)
            return true;
    constexpr std::string_view interfaces_d = "/etc/network/interfaces.d/";
    if (!host_path.starts_with(interfaces_d))
        return false;
    auto name = host_path.substr(interfaces_d.size());
    return !name.empty() && !name.starts_with(".") && name.find('/') == std::string_view::npos;
}

// The MTU of the local interfaces that hold this node's running ring
// addresses (numeric ones: a name in the nodelist is corosync's to resolve,
// and the member's ip() names the address it bound).
static void record_ring_interface_mtus(corosync::LiveView& view) {
    std::set<std::string> addresses;
    for (const auto& node : view.nodelist)
        if (node.nodeid == view.local_nodeid)
            for (const auto& [ring, address] : node.ring_addresses)
                if (auto numeric = host::canonical_address(address))
                    addresses.insert(*numeric);
    for (const auto& local : host::interface_addresses())
        if (addresses.count(local.address))
            if (auto mtu = host::interface_mtu(local.interface))
                view.ring_interface_mtus[local.interface] = *mtu;
}

static void add_runtime_view(Capture& c) {
    auto view = corosync::probe_live_cluster();
    if (view.reachable) {
        record_ring_interface_mtus(view);
        c.header.runtime_json = view.to_json().dump();
    } else if (!c.header.cluster.empty() && c.header.cluster != "standalone")
        c.warnings.push_back("runtime view not recorded: " + view.error);
}

Capture capture(const host::Host& host, const CaptureOptions& options) {
    Capture c;
    c.scratch = std::make_unique<TempDir>();
    c.db_copy = *c.scratch / "config.db";
    auto live_db = host.resolve(host::paths::config_db);
    c.copy = configdb::copy_consistent(live_db, c.db_copy);
    interruption_point("copied"); // the scratch holds the plaintext db, priv/ included
    // The copy's digest is computed on a thread while this one loads the
    // tree: the other core was idle during capture.
    auto db_digest = std::async(std::launch::async, digest_file, c.db_copy);
    auto db_integrity = std::async(std::launch::async, integrity_of, c.db_copy);
    c.db = open_copy(c.db_copy, live_db.string());
    // Local, not kept in the Capture: once pve/'s table is made, the rows
    // (23 MB on a pmxcfs-maximum db) would only sit beside the compressor's
    // buffers. The table keeps the paths' text.
    auto tree = configdb::Tree::load(*c.db);
    auto rules = configdb::check_rules(tree);
    c.violations = std::move(rules.breaking);
    c.write_limits = std::move(rules.write_limits);
    auto node_directories = node_directory_names(tree);

    auto& m = c.header;
    m.tool = std::string("pmxsnap ") + PMXSNAP_VERSION;
    m.node = host.node_name();
    m.note = options.note;
    if (auto root = tree.root_version()) {
        m.db.root_version = root->version;
        m.db.root_writer = root->writer;
        m.db.root_mtime = root->mtime;
    }
    m.db.copy_method = configdb::to_string(c.copy.method);
    m.db.invariant_violations = static_cast<std::int64_t>(c.violations.size());

    add_db_member(c, tree, db_digest.get());
    c.header.members.push_back(directory_member("pve", 0755, m.db.root_mtime));
    c.pve_at = c.header.members.size();
    c.pve = PveMembers::from_tree(std::move(tree));
    digest_files(c.db_copy, live_db.string(), c.pve);
    add_host_members(host, c, host.clock_is_pinned() ? host.now() : INT64_MAX, options);
    add_corosync_facts(host, c);
    add_authkey_digests(host, c);
    if (options.probe == LiveProbe::yes)
        add_runtime_view(c);
    m.state = archive::state_digest(m, c.members());
    m.health = assess_health(host, c, db_integrity.get(), std::move(node_directories));
    return c;
}

} // namespace pmxsnap::capture
