#include "listing.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/operator_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/time.hpp"

#include <fmt/format.h>

#include <set>

namespace pmxsnap::browse {
namespace {

// Steps over every member: the reader still checks each name, type and the
// manifest's completeness, and the signature already covered every byte.
class ListOnly : public archive::MemberHandler {
  public:
    bool wants(const archive::Member&) override { return false; }
};

bool matches(const std::string& member, const std::string& filter) {
    return filter.empty() || member == filter ||
           (member.size() > filter.size() && member.starts_with(filter) &&
            member[filter.size()] == '/');
}

std::string or_dash(const std::optional<std::int64_t>& value) {
    return value ? std::to_string(*value) : "-";
}

} // namespace

std::string mode_string(const archive::Member& member) {
    std::string text = member.is_directory ? "d" : "-";
    const char* letters = "rwxrwxrwx";
    for (int bit = 8; bit >= 0; --bit)
        text += (member.mode >> bit) & 1U ? letters[8 - bit] : '-';
    return text;
}

Listing list_archive(const SignedArchive& source, const fs::path& identity,
                     const std::vector<std::string>& paths) {
    std::vector<std::string> filters;
    for (const auto& path : paths) {
        auto member = archive::member_of(path);
        if (!member)
            fail("{}: not a path in an archive (give it as /etc/pve/..., /etc/corosync/... or "
                 "another absolute path)",
                 archive::printable(path));
        filters.push_back(*member);
    }
    Listing listing;
    listing.source = source;
    auto manifest = source.copy->read([&](const fs::path& copy) {
        archive::ArchiveInput input(copy, identity);
        listing.encrypted = input.encrypted();
        archive::Reader reader(input.source());
        ListOnly steps_over;
        reader.read_members(steps_over);
        return reader.take_manifest();
    });
    listing.captured_at = manifest.captured_at;
    listing.db_version = manifest.db.root_version;

    std::vector<bool> used(filters.size(), filters.empty());
    for (auto& member : manifest.members) {
        auto shown = archive::operator_path(member.path);
        bool wanted = filters.empty();
        for (std::size_t i = 0; i < filters.size(); ++i)
            if (matches(member.path, filters[i]))
                wanted = used[i] = true;
        if (wanted && shown)
            listing.entries.push_back({*shown, std::move(member)});
    }
    for (std::size_t i = 0; i < filters.size(); ++i)
        if (!used[i])
            fail("{}: not in {} (pmxsnap ls {} lists what it holds)", archive::printable(paths[i]),
                 source.archive.string(), source.archive.string());
    return listing;
}

nlohmann::json Listing::to_json() const {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& [path, m] : entries) {
        nlohmann::json row = {{"path", path},
                              {"member", m.path},
                              {"type", m.is_directory ? "directory" : "file"},
                              {"mode", fmt::format("{:04o}", m.mode)},
                              {"uid", m.uid},
                              {"gid", m.gid},
                              {"size", m.size},
                              {"mtime", m.mtime}};
        if (!m.is_directory)
            row["sha256"] = m.sha256.hex();
        row["pmxcfs"] = m.pmxcfs ? nlohmann::json{{"inode", m.pmxcfs->inode},
                                                  {"version", m.pmxcfs->version},
                                                  {"writer", m.pmxcfs->writer}}
                                 : nlohmann::json(nullptr);
        members.push_back(std::move(row));
    }
    return {{"schema", "pmxsnap.ls/1"},
            {"archive", source.archive.string()},
            {"cluster", source.index.cluster},
            {"node", source.index.node},
            {"captured_at", captured_at},
            {"db_version", db_version},
            {"encrypted", encrypted},
            {"signed_by", source.signer},
            {"members", members}};
}

std::vector<std::string> Listing::text() const {
    std::vector<std::string> lines;
    lines.push_back(fmt::format("{} {}/{} captured {} db version {}{}", source.archive.string(),
                                source.index.cluster, source.index.node, captured_at, db_version,
                                encrypted ? " (encrypted)" : ""));
    lines.push_back(fmt::format("{:<10} {:>9} {:>9} {:>8} {:>6}  {:<20} {}", "MODE", "OWNER",
                                "SIZE", "VERSION", "WRITER", "MTIME", "PATH"));
    for (const auto& [path, m] : entries) {
        std::optional<std::int64_t> version, writer;
        if (m.pmxcfs) {
            version = m.pmxcfs->version;
            writer = m.pmxcfs->writer;
        }
        lines.push_back(fmt::format("{:<10} {:>9} {:>9} {:>8} {:>6}  {:<20} {}{}", mode_string(m),
                                    fmt::format("{}:{}", m.uid, m.gid), m.is_directory ? 0 : m.size,
                                    or_dash(version), or_dash(writer), iso8601_utc(m.mtime),
                                    archive::printable(path), m.is_directory ? "/" : ""));
    }
    return lines;
}

} // namespace pmxsnap::browse
