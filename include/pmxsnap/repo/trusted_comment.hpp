// TrustedComment: the signed one-line index of an archive, kept in its
// .minisig so list, prune, --if-changed and verify's first step work without
// reading (or decrypting) the archive:
//   pmxsnap/1 cluster=C node=N db_version=V config_version=K state=S captured=T file=F
//             health=H authkey=A nodes=L
// where H is `good` or `bad:ID[,ID...]` (the health problems' ids, see
// health/health.hpp), A the first 16 hex digits of /etc/corosync/authkey's
// SHA-256 (or `-`), L the nodelist's names joined by commas (or `-`).
// Older archives lack the last fields (health: before health existed;
// authkey and nodes: before `status`); they read as unknown. parse()
// returns nullopt for anything not in exactly the form format() writes.
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
    // nullopt: an index from before these fields (unknown). authkey "" is
    // written `-` (no /etc/corosync/authkey); an empty nodelist `-` (no
    // corosync.conf that parses).
    std::optional<std::string> authkey;
    std::optional<std::vector<std::string>> nodelist;

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

// The index's authkey field of a full SHA-256 hex digest: its first 16 hex
// digits (enough to tell keys apart; the full digest is in MANIFEST.json).
std::string authkey_field(const std::string& sha256_hex);
inline constexpr std::size_t authkey_field_length = 16;
// The nodelist as the index can carry it: every name comment-safe and
// without a comma, at most max_nodelist_bytes joined; nullopt otherwise
// (the field is then left out and the nodelist reads as unknown).
inline constexpr std::size_t max_nodelist_bytes = 2048;
std::optional<std::vector<std::string>> nodelist_field(const std::vector<std::string>& names);

// A value that can stand in the comment: non-empty, no spaces or '='.
bool is_comment_safe(std::string_view value);

} // namespace pmxsnap::repo
