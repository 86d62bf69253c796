// TrustedComment: the signed one-line index of an archive, kept in its
// .minisig so list, prune, --if-changed and verify's first step work without
// reading (or decrypting) the archive:
//   pmxsnap/1 cluster=C node=N db_version=V config_version=K state=S captured=T file=F health=H
// where H is `good` or `bad:ID[,ID...]` (the health problems' ids, see
// health/health.hpp). Archives written before health existed have no
// health field; they read as unknown. parse() returns nullopt for anything
// not in exactly one of these two forms.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::repo {

struct TrustedComment {
    std::string cluster;
    std::string node;
    std::int64_t db_version = 0;
    std::optional<std::uint64_t> config_version; // "-" when no corosync.conf
    std::string state;
    std::string captured; // ISO 8601 UTC
    std::string file;     // the archive's file name
    // "good", "bad", or "" (unknown: an archive from before health existed).
    std::string health;
    std::vector<std::string> problems; // ids, when bad

    bool is_good() const { return health == "good"; }
    bool is_bad() const { return health == "bad"; }

    std::string format() const;
    static std::optional<TrustedComment> parse(std::string_view text);
};

// Why the index does not belong to the archive at this path — signed for
// another file name (renamed or replaced) or another <cluster>/<node>
// directory (moved) — or "" when it does. Repository layout:
// <repo>/<cluster>/<node>/<file>.
std::string placement_problem(const TrustedComment& comment, const std::filesystem::path& archive);

// A health problem id as the index carries it: [a-z0-9-], 1 to 40 bytes.
bool is_problem_id(std::string_view id);

// A value that can stand in the comment: non-empty, no spaces or '='.
bool is_comment_safe(std::string_view value);

} // namespace pmxsnap::repo
