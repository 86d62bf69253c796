#include "pmxsnap/capture/capture.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/state_digest.hpp"
#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <algorithm>
#include <future>
#include <set>

namespace pmxsnap::capture {
namespace {

constexpr unsigned www_data_gid = 33;
constexpr std::uint64_t max_host_file_bytes = 4 << 20;

// pmxcfs shows priv/ (and each node's priv/ and SSL key) as root-only.
bool is_private_pve_path(std::string_view path) {
    if (path == "priv" || path.starts_with("priv/"))
        return true;
    if (!path.starts_with("nodes/"))
        return false;
    auto rest = path.substr(6);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos)
        return false;
    auto inside = rest.substr(slash + 1);
    return inside == "priv" || inside.starts_with("priv/") || inside == "pve-ssl.key";
}

archive::Member directory_member(std::string path, unsigned mode, std::int64_t mtime) {
    archive::Member member;
    member.path = std::move(path);
    member.is_directory = true;
    member.mode = mode;
    member.mtime = mtime;
    return member;
}

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
    c.manifest.members.push_back(directory_member("db", 0700, mtime));
    archive::Member db;
    db.path = archive::db_member;
    db.mode = 0600;
    db.mtime = mtime;
    db.size = digest.size;
    db.sha256 = digest.sha256;
    c.manifest.members.push_back(std::move(db));
}

// Two connections read the private copy in full. A memory map spares a
// pread per page (a tenth of the write on the 32-node fixture) but adds the
// mapped bytes to resident memory in each: worth it up to a size, not for a
// db near pmxcfs's limit (2 x 157 MB on the benchmark's max).
std::uint64_t mappable_bytes(const fs::path& db_copy) {
    constexpr std::uint64_t largest_mapped = 32u << 20;
    auto size = fs::file_size(db_copy);
    return size <= largest_mapped ? size : 0;
}

// (inode, digest of its data) for every row, in inode order, from one scan
// of the table through a connection of its own: it runs on a thread beside
// the tree load (the copy is private and only read).
using InodeDigests = std::vector<std::pair<std::int64_t, FileDigest>>;

InodeDigests digest_rows(const fs::path& db_copy, const std::string& shown_as) {
    auto db = configdb::Database::open_readonly(db_copy, shown_as);
    db.map_into_memory(mappable_bytes(db_copy));
    db.hold_read_transaction();
    InodeDigests digests;
    db.for_each_data([&](std::int64_t inode, std::string_view data) {
        digests.push_back({inode, {static_cast<std::int64_t>(data.size()), sha256_of(data)}});
    });
    return digests;
}

FileDigest take_digest(InodeDigests& digests, std::int64_t inode) {
    auto found = std::lower_bound(digests.begin(), digests.end(), inode,
                                  [](const std::pair<std::int64_t, FileDigest>& item,
                                     std::int64_t key) { return item.first < key; });
    if (found == digests.end() || found->first != inode)
        fail("config.db copy: inode {} was not read with the others", inode);
    return std::move(found->second);
}

void add_pve_members(Capture& c, const configdb::Tree& tree, InodeDigests digests) {
    // Exact, not doubled: on a pmxcfs-maximum db the growth left a 67 MB
    // vector where 34 MB hold every member.
    c.manifest.members.reserve(c.manifest.members.size() + 1 + tree.paths().size() + 64);
    c.pve_begin = c.manifest.members.size();
    auto root_mtime = tree.root_version() ? tree.root_version()->mtime : 0;
    c.manifest.members.push_back(directory_member("pve", 0755, root_mtime));
    for (const auto& entry : tree.paths()) {
        const auto& row = *entry.entry;
        bool secret = is_private_pve_path(entry.path);
        archive::Member member;
        member.path = archive::pve_member_path(entry.path);
        member.is_directory = row.is_directory();
        member.mode = row.is_directory() ? (secret ? 0700 : 0755) : (secret ? 0600 : 0640);
        member.gid = www_data_gid;
        member.mtime = row.mtime;
        member.pmxcfs = archive::PmxcfsFacts{row.inode, row.version, row.writer};
        if (!row.is_directory()) {
            auto digest = take_digest(digests, row.inode);
            member.size = digest.size;
            member.sha256 = digest.sha256;
        }
        c.manifest.members.push_back(std::move(member));
    }
    c.pve_end = c.manifest.members.size();
}

void add_host_members(const host::Host& host, Capture& c, UnixSeconds clamp, bool include_authkey) {
    std::set<std::string> directories;
    std::vector<archive::Member> files;
    auto paths = node_local_files(host);
    if (include_authkey) {
        if (!host.facts(host::paths::corosync_authkey))
            fail("--include-authkey: {} does not exist",
                 host.resolve(host::paths::corosync_authkey).string());
        paths.push_back(host::paths::corosync_authkey);
    }
    for (const auto& path : paths) {
        auto facts = host.facts(path, host::Host::Links::follow);
        if (!facts || !facts->is_regular)
            continue;
        auto data = read_file(host.resolve(path), max_host_file_bytes);
        archive::Member member;
        member.path = archive::host_member_path(path);
        member.mode = facts->mode & 07777;
        member.uid = facts->uid;
        member.gid = facts->gid;
        member.size = static_cast<std::int64_t>(data.size());
        member.mtime = std::min<std::int64_t>(facts->mtime, clamp);
        member.sha256 = sha256_of(data);
        c.host_data[member.path] = std::move(data);
        for (auto parent = fs::path(member.path).parent_path(); !parent.empty();
             parent = parent.parent_path())
            directories.insert(parent.string());
        files.push_back(std::move(member));
    }
    std::vector<archive::Member> members;
    for (const auto& directory : directories) {
        auto host_path =
            "/" + directory.substr(std::min(directory.size(), archive::host_prefix.size()));
        auto facts = directory == "host" ? std::nullopt : host.facts(host_path);
        auto member = directory_member(directory, facts ? facts->mode : 0755,
                                       facts ? std::min<std::int64_t>(facts->mtime, clamp) : 0);
        members.push_back(std::move(member));
    }
    std::move(files.begin(), files.end(), std::back_inserter(members));
    std::sort(members.begin(), members.end(),
              [](const archive::Member& a, const archive::Member& b) { return a.path < b.path; });
    std::move(members.begin(), members.end(), std::back_inserter(c.manifest.members));
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
    if (auto text = host.read_text_if_exists(host::paths::corosync_conf))
        host_copy = parse_copy(*text, host::paths::corosync_conf, c);
    auto pve_conf = c.file_data(archive::pve_member_path("corosync.conf"));
    if (pve_conf)
        pve_copy = parse_copy(*pve_conf, "/etc/pve/corosync.conf", c);
    if (host_copy)
        c.manifest.corosync.host_config_version = host_copy->config_version;
    if (pve_copy)
        c.manifest.corosync.pve_config_version = pve_copy->config_version;
    for (const auto* copy : {&host_copy, &pve_copy})
        if (*copy && !(*copy)->cluster_name.empty() && c.manifest.cluster.empty())
            c.manifest.cluster = (*copy)->cluster_name;
    if (c.manifest.cluster.empty()) {
        bool has_any = host.facts(host::paths::corosync_conf) || pve_conf;
        if (has_any)
            fail("cannot tell the cluster name: no corosync.conf copy parses (run `pmxsnap "
                 "doctor` and `pmxsnap inspect {}`)",
                 host.resolve(host::paths::corosync_conf).string());
        c.manifest.cluster = "standalone";
    }
}

void add_authkey_digests(const host::Host& host, Capture& c) {
    if (auto key = read_file_if_exists(host.resolve(host::paths::corosync_authkey), 1 << 20))
        c.manifest.authkeys.corosync = sha256_hex(*key);
    if (const auto* member = c.manifest.find(archive::pve_member_path("priv/authkey.key")))
        c.manifest.authkeys.pve = member->sha256.hex();
}

} // namespace

std::optional<std::string> Capture::file_data(std::string_view member_path) const {
    if (auto host = host_data.find(std::string(member_path)); host != host_data.end())
        return host->second;
    auto first = manifest.members.begin() + static_cast<std::ptrdiff_t>(pve_begin);
    auto last = manifest.members.begin() + static_cast<std::ptrdiff_t>(pve_end);
    auto found = std::lower_bound(
        first, last, member_path,
        [](const archive::Member& member, std::string_view path) { return member.path < path; });
    if (found == last || found->path != member_path || found->is_directory || !found->pmxcfs)
        return std::nullopt;
    return db->read_data(found->pmxcfs->inode);
}

std::vector<std::string> node_local_files(const host::Host& host) {
    std::vector<std::string> files = {"/etc/corosync/corosync.conf", "/etc/hostname", "/etc/hosts",
                                      "/etc/resolv.conf", "/etc/network/interfaces"};
    auto add_matching = [&](const char* directory, auto&& accept) {
        std::error_code ignored;
        std::vector<std::string> found;
        for (const auto& item : fs::directory_iterator(host.resolve(directory), ignored)) {
            auto name = item.path().filename().string();
            if (accept(name))
                found.push_back(std::string(directory) + "/" + name);
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    };
    add_matching("/etc/network/interfaces.d",
                 [](const std::string& name) { return !name.starts_with("."); });
    add_matching("/etc/ssh", [](const std::string& name) {
        return name.starts_with("ssh_host_") && name.ends_with(".pub");
    });
    return files;
}

static void add_runtime_view(Capture& c) {
    auto view = corosync::probe_live_cluster();
    if (view.reachable)
        c.manifest.runtime_json = view.to_json().dump();
    else if (!c.manifest.cluster.empty() && c.manifest.cluster != "standalone")
        c.warnings.push_back("runtime view not recorded: " + view.error);
}

Capture capture(const host::Host& host, const CaptureOptions& options) {
    Capture c;
    c.scratch = std::make_unique<TempDir>();
    c.db_copy = *c.scratch / "config.db";
    auto live_db = host.resolve(host::paths::config_db);
    c.copy = configdb::copy_consistent(live_db, c.db_copy);
    // The copy's digest and its rows' digests are computed on threads while
    // this one loads the tree: the other core was idle during capture.
    auto db_digest = std::async(std::launch::async, digest_file, c.db_copy);
    auto row_digests = std::async(std::launch::async, digest_rows, c.db_copy, live_db.string());
    c.db = std::make_unique<configdb::Database>(
        configdb::Database::open_readonly(c.db_copy, live_db.string()));
    c.db->map_into_memory(mappable_bytes(c.db_copy));
    c.db->hold_read_transaction();
    // Local, not kept in the Capture: once the members are listed, its rows
    // and paths (40 MB on a pmxcfs-maximum db) would only sit beside the
    // compressor's buffers.
    auto tree = configdb::Tree::load(*c.db);
    c.violations = configdb::check_invariants(tree);

    auto& m = c.manifest;
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
    add_pve_members(c, tree, row_digests.get());
    tree = {};
    add_host_members(host, c, host.clock_is_pinned() ? host.now() : INT64_MAX,
                     options.include_authkey);
    add_corosync_facts(host, c);
    add_authkey_digests(host, c);
    if (options.probe == LiveProbe::yes)
        add_runtime_view(c);
    m.state = archive::state_digest(m);
    return c;
}

} // namespace pmxsnap::capture
