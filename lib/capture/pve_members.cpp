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
    bool secret = is_private_pve_path(path);
    member.path.assign(archive::pve_prefix);
    member.path.append(path);
    member.is_directory = row.is_directory;
    member.mode = row.is_directory ? (secret ? 0700 : 0755) : (secret ? 0600 : 0640);
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
