#include "pmxsnap/trust/restorable.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pmxsnap::trust {
namespace {

// One entry of the pve/ fingerprint. Paths hold no NUL (the reader and
// the tree both refuse such names), so the fields cannot run into each other.
void add_to_fingerprint(Sha256& fingerprint, std::string_view tree_path, bool is_directory,
                        const Sha256Digest& content,
                        const std::optional<archive::PmxcfsFacts>& facts) {
    fingerprint.update(archive::pve_prefix);
    fingerprint.update(tree_path);
    fingerprint.update(std::string_view("\0", 1));
    fingerprint.update(is_directory ? "d" : "f");
    if (!is_directory) {
        auto hex = content.hex_chars();
        fingerprint.update({hex.data(), hex.size()});
    }
    if (facts)
        fingerprint.update(fmt::format("|{}|{}|{}", facts->inode, facts->version, facts->writer));
    fingerprint.update(std::string_view("\n", 1));
}

// A file row's data digest, lent from SQLite's row rather than copied.
Sha256Digest content_of(const configdb::Database& db, const configdb::EntryMeta& row) {
    Sha256Digest content;
    db.with_data(row.inode, [&](std::string_view data) { content = sha256_of(data); });
    return content;
}

Sha256Digest db_fingerprint(const configdb::Tree& tree, const configdb::Database& db) {
    Sha256 fingerprint;
    for (const auto& entry : tree.paths()) {
        const auto& row = *entry.entry;
        add_to_fingerprint(fingerprint, entry.path, row.is_directory(),
                           row.is_directory() ? Sha256Digest() : content_of(db, row),
                           archive::PmxcfsFacts{row.inode, row.version, row.writer});
    }
    return Sha256Digest(fingerprint.finish());
}

// The pve/ members (the folder itself aside: no db row is) sorted by path:
// the manifest's order is not trusted. pmxsnap writes them sorted, so that is
// checked first. A map of them was 29 MB on a pmxcfs-maximum archive.
std::vector<const archive::Member*> pve_members_by_path(const archive::Manifest& manifest) {
    std::vector<const archive::Member*> members;
    for (const auto& member : manifest.members)
        if (member.path.starts_with(archive::pve_prefix))
            members.push_back(&member);
    auto by_path = [](const archive::Member* a, const archive::Member* b) {
        return a->path < b->path;
    };
    if (!std::is_sorted(members.begin(), members.end(), by_path))
        std::sort(members.begin(), members.end(), by_path);
    return members;
}

// Names each difference between the pve/ members and the db's tree.
void compare_pve_members(const archive::Manifest& manifest, const configdb::Tree& tree,
                         const configdb::Database& db, std::vector<std::string>& problems) {
    auto members = pve_members_by_path(manifest);
    std::vector<bool> matched(members.size());
    for (const auto& entry : tree.paths()) {
        auto path = archive::pve_member_path(entry.path);
        auto it = std::lower_bound(
            members.begin(), members.end(), path,
            [](const archive::Member* m, const std::string& key) { return m->path < key; });
        if (it == members.end() || (*it)->path != path) {
            problems.push_back(escape_name(path) +
                               ": in the db but not in the archive's pve/ tree");
            continue;
        }
        matched[static_cast<std::size_t>(it - members.begin())] = true;
        const auto& member = **it;
        const auto& row = *entry.entry;
        if (member.is_directory != row.is_directory())
            problems.push_back(escape_name(path) + ": type differs between pve/ and the db");
        else if (!row.is_directory() && content_of(db, row) != member.sha256)
            problems.push_back(escape_name(path) + ": content differs between pve/ and the db");
        if (!member.pmxcfs || member.pmxcfs->inode != row.inode ||
            member.pmxcfs->version != row.version || member.pmxcfs->writer != row.writer)
            problems.push_back(escape_name(path) +
                               ": pmxcfs inode/version/writer differ from the db");
    }
    for (std::size_t i = 0; i < members.size(); ++i)
        if (!matched[i])
            problems.push_back(escape_name(members[i]->path) + ": in pve/ but not in the db");
}

void check_db(const CondensedManifest& manifest, const fs::path& db_path,
              const ManifestReread& reread, std::vector<std::string>& problems,
              std::vector<std::string>& warnings) {
    auto db = configdb::Database::open_readonly(db_path, std::string(archive::db_member));
    for (const auto& line : db.integrity_problems())
        problems.push_back("db/config.db: integrity_check: " + line);
    auto tree = configdb::Tree::load(db);
    auto rules = configdb::check_rules(tree);
    for (const auto& v : rules.breaking)
        problems.push_back(fmt::format("db/config.db: pmxcfs {}: {}: {}{}", to_string(v.effect),
                                       v.rule, v.message,
                                       v.path.empty() ? "" : " (" + escape_name(v.path) + ")"));
    for (const auto& v : rules.write_limits)
        warnings.push_back(fmt::format("db/config.db: pmxcfs write limit {}: {}{}", v.rule,
                                       v.message,
                                       v.path.empty() ? "" : " (" + escape_name(v.path) + ")"));
    // No __version__ row: version 0, as pmxcfs starts with and capture records.
    auto root = tree.root_version() ? tree.root_version()->version : 0;
    if (root != manifest.header.db.root_version)
        problems.push_back(fmt::format("db/config.db: root version {} but the manifest says {}",
                                       root, manifest.header.db.root_version));
    if (db_fingerprint(tree, db) == manifest.pve)
        return;
    // They differ: that is the finding, whether or not the names can be had.
    try {
        compare_pve_members(reread(), tree, db, problems);
    } catch (const ErrorBase& e) {
        problems.push_back(fmt::format(
            "pve/ differs from the db (their fingerprints differ); cannot name the differences: {}",
            e.what()));
    }
}

void check_corosync(const archive::Manifest& manifest, const std::string& member,
                    const std::string& text, const std::optional<std::uint64_t>& recorded,
                    std::vector<std::string>& problems) {
    auto result = corosync::parse_config(text);
    if (!result.ok()) {
        problems.push_back(result.error->to_string(member));
        return;
    }
    const auto& config = *result.config;
    if (config.config_version != recorded)
        problems.push_back(
            fmt::format("{}: config_version {} but the manifest says {}", member,
                        config.config_version ? std::to_string(*config.config_version) : "none",
                        recorded ? std::to_string(*recorded) : "none"));
    if (config.cluster_name != manifest.cluster)
        problems.push_back(fmt::format("{}: cluster_name '{}' but the archive is of cluster '{}'",
                                       member, config.cluster_name, manifest.cluster));
    if (config.find_node_by_name(manifest.node) == nullptr)
        problems.push_back(
            fmt::format("{}: node {} is not in the nodelist", member, manifest.node));
}

// The fingerprint of the pve/ members, or none when it cannot stand for
// them: a path listed twice or holding a NUL (the reader refuses both before
// level 3; a manifest at hand may not have been through it).
Sha256Digest pve_fingerprint(const archive::Manifest& manifest) {
    auto members = pve_members_by_path(manifest);
    auto same_path = [](const archive::Member* a, const archive::Member* b) {
        return a->path == b->path;
    };
    if (std::adjacent_find(members.begin(), members.end(), same_path) != members.end() ||
        std::any_of(members.begin(), members.end(), [](const archive::Member* m) {
            return m->path.find('\0') != std::string::npos;
        }))
        return {};
    Sha256 fingerprint;
    for (const auto* member : members)
        add_to_fingerprint(fingerprint,
                           std::string_view(member->path).substr(archive::pve_prefix.size()),
                           member->is_directory, member->sha256, member->pmxcfs);
    return Sha256Digest(fingerprint.finish());
}

} // namespace

CondensedManifest condense(archive::Manifest manifest) {
    auto fingerprint = pve_fingerprint(manifest);
    CondensedManifest condensed{std::move(manifest), fingerprint};
    // Swapped out, not cleared: `members = {}` keeps the capacity, 34 MB.
    std::vector<archive::Member>().swap(condensed.header.members);
    return condensed;
}

Restorability check_restorable(const CondensedManifest& manifest,
                               const ExtractedForCheck& extracted, const ManifestReread& reread) {
    const auto& header = manifest.header;
    Restorability found;
    auto& problems = found.problems;
    if (extracted.db.empty())
        problems.emplace_back("db/config.db: missing from the archive");
    else
        check_db(manifest, extracted.db, reread, problems, found.warnings);
    const std::pair<std::string, std::optional<std::uint64_t>> copies[] = {
        {archive::host_member_path("/etc/corosync/corosync.conf"),
         header.corosync.host_config_version},
        {archive::pve_member_path("corosync.conf"), header.corosync.pve_config_version}};
    for (const auto& [member, recorded] : copies) {
        auto it = extracted.corosync_copies.find(member);
        if (it != extracted.corosync_copies.end())
            check_corosync(header, member, it->second, recorded, problems);
    }
    return found;
}

Restorability check_restorable(const archive::Manifest& manifest,
                               const ExtractedForCheck& extracted) {
    return check_restorable(condense(manifest), extracted, [&] { return manifest; });
}

} // namespace pmxsnap::trust
