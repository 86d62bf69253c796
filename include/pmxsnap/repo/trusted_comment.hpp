// TrustedComment: the signed one-line index of an archive, kept in its
// .minisig so list, prune, --if-changed and verify's first step work without
// reading (or decrypting) the archive:
//   pmxsnap/1 cluster=C node=N db_version=V config_version=K state=S captured=T file=F
// parse() returns nullopt for anything not in exactly that form.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap::repo {

struct TrustedComment {
    std::string cluster;
    std::string node;
    std::int64_t db_version = 0;
    std::optional<std::uint64_t> config_version; // "-" when no corosync.conf
    std::string state;
    std::string captured; // ISO 8601 UTC
    std::string file;     // the archive's file name

    std::string format() const;
    static std::optional<TrustedComment> parse(std::string_view text);
};

// Why the index does not belong to the archive at this path — signed for
// another file name (renamed or replaced) or another <cluster>/<node>
// directory (moved) — or "" when it does. Repository layout:
// <repo>/<cluster>/<node>/<file>.
std::string placement_problem(const TrustedComment& comment, const std::filesystem::path& archive);

// A value that can stand in the comment: non-empty, no spaces or '='.
bool is_comment_safe(std::string_view value);

} // namespace pmxsnap::repo
