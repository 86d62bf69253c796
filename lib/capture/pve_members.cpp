#include "pmxsnap/capture/pve_members.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/util/error.hpp"

#include <algorithm>
#include <limits>
#include <ranges>

namespace pmxsnap::capture {
namespace {

constexpr unsigned www_data_gid = 33;

std::uint32_t narrow(std::uint64_t value, const char* what) {
    if (value > std::numeric_limits<std::uint32_t>::max())
        fail("config.db copy: {} is beyond what pmxsnap can list ({} bytes)", what, value);
    return static_cast<std::uint32_t>(value);
}

// cfs-utils.c's path_is_private: priv/ and each node's priv/, nothing else
// (a node's pve-ssl.key is served 0640 root:www-data like any other file).
bool is_private_pve_path(std::string_view path) {
    auto private_dir = [](std::string_view p) { return p == "priv" || p.starts_with("priv/"); };
    if (private_dir(path))
        return true;
    if (!path.starts_with("nodes/"))
        return false;
    auto rest = path.substr(6);
    auto slash = rest.find('/');
    return slash != std::string_view::npos && private_dir(rest.substr(slash + 1));
}

// cfs-plug-memdb.c's name_is_openvz_script: "<vmid>.start", "vps.mount" and
// the like are served with the owner's execute bit.
bool is_openvz_script(std::string_view name) {
    std::size_t end = 0;
    if (name.starts_with("vps"))
        end = 3;
    else if (!name.empty() && name[0] >= '1' && name[0] <= '9')
        end = name.find_first_not_of("0123456789");
    if (end == 0 || end == std::string_view::npos || name[end] != '.')
        return false;
    auto suffix = name.substr(end + 1);
    for (auto script : {"mount", "umount", "start", "stop", "premount", "postumount"})
        if (suffix == script)
            return true;
    return false;
}

// The mode pmxcfs serves (pmxcfs.c's getattr on a quorate node): the entry's
// 0777/0666 masked to root-only for private paths, else to 0755 for
// directories and 0750 for files.
std::uint32_t served_mode(std::string_view path, bool is_directory) {
    bool secret = is_private_pve_path(path);
    if (is_directory)
        return secret ? 0700 : 0755;
    auto name = path.substr(path.rfind('/') + 1); // npos + 1 == 0: the whole path
    std::uint32_t mode = (secret ? 0600 : 0640) | (is_openvz_script(name) ? 0100 : 0);
    return mode;
}

} // namespace

PveMembers PveMembers::from_tree(configdb::Tree tree) {
    PveMembers table;
    const auto& paths = tree.paths();
    table.rows_.reserve(paths.size());
    const char* text = tree.path_text_data();
    for (const auto& path : paths) {
        const auto& entry = *path.entry;
        // The size comes with the digest, from the scan: length(data)
        // counts the characters of a TEXT value.
        table.rows_.push_back(
            Row{entry.inode, entry.version, entry.writer, entry.mtime, 0,
                narrow(static_cast<std::uint64_t>(path.path.data() - text), "the paths' text"),
                narrow(path.path.size(), "a path"), entry.is_directory()});
    }
    table.path_text_ = std::move(tree).release_path_text();
    table.digests_.resize(table.rows_.size());
    return table;
}

std::vector<PveMembers::FileSlot> PveMembers::files_by_inode() const {
    std::vector<FileSlot> files;
    files.reserve(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (!rows_[i].is_directory)
            files.push_back({rows_[i].inode, i});
    std::ranges::stable_sort(files, {}, &FileSlot::inode);
    return files;
}

void PveMembers::set_digest(std::size_t row, std::uint32_t size,
                            const std::array<std::uint8_t, 32>& sha) {
    rows_[row].size = size;
    digests_[row] = sha;
}

void PveMembers::fill(std::size_t i, archive::Member& member) const {
    const auto& row = rows_[i];
    auto path = relative_path(i);
    member.path.assign(archive::pve_prefix);
    member.path.append(path);
    member.is_directory = row.is_directory;
    member.mode = served_mode(path, row.is_directory);
    member.uid = 0;
    member.gid = www_data_gid;
    member.size = row.is_directory ? 0 : row.size;
    member.mtime = row.mtime;
    member.pmxcfs = archive::PmxcfsFacts{row.inode, row.version, row.writer};
    member.sha256 = row.is_directory ? Sha256Digest() : Sha256Digest(digests_[i]);
}

void PveMembers::for_each(const archive::MemberVisitor& visit) const {
    archive::Member member;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        fill(i, member);
        visit(member);
    }
}

std::optional<std::size_t> PveMembers::find(std::string_view member_path) const {
    if (!member_path.starts_with(archive::pve_prefix))
        return std::nullopt;
    auto wanted = member_path.substr(archive::pve_prefix.size());
    auto indices = std::views::iota(std::size_t{0}, rows_.size());
    auto found = std::ranges::partition_point(
        indices, [&](std::size_t i) { return relative_path(i) < wanted; });
    if (found == indices.end() || relative_path(*found) != wanted)
        return std::nullopt;
    return *found;
}

std::int64_t PveMembers::total_file_bytes() const {
    std::int64_t total = 0;
    for (const auto& row : rows_)
        if (!row.is_directory)
            total += row.size;
    return total;
}

} // namespace pmxsnap::capture
