// Manifest: MANIFEST.json, the first member of every archive. It says what was
// captured (cluster, node, time, db and corosync versions, authkey digests)
// and lists every other member with its size and SHA-256, so a reader can
// check each member against it. parse_manifest never trusts its input and
// throws pmxsnap::Error("MANIFEST.json: <what>") on anything malformed.
#pragma once

#include "pmxsnap/util/sha256.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::archive {

inline constexpr int manifest_format_version = 1;
inline constexpr const char* manifest_schema = "pmxsnap.manifest/1";

struct PmxcfsFacts {
    std::int64_t inode = 0;
    std::int64_t version = 0;
    std::int64_t writer = 0;

    bool operator==(const PmxcfsFacts&) const = default;
};

// Ordered so that no field pads another: a pmxcfs-maximum archive holds
// 262,144 of them (128 bytes each, 136 in declaration order).
struct Member {
    std::string path; // "db/config.db", "pve/storage.cfg", "host/etc/hosts"
    std::int64_t size = 0;
    std::int64_t mtime = 0;
    std::optional<PmxcfsFacts> pmxcfs; // pve/ members only
    unsigned mode = 0;
    unsigned uid = 0;
    unsigned gid = 0;
    bool is_directory = false;
    Sha256Digest sha256; // none for directories

    bool operator==(const Member&) const = default;
};

// A snapshot's health verdict (see health/health.hpp): "good" or "bad",
// the reasons for bad (an id a script matches, a sentence an operator
// reads), and notes on what is unusual but explained.
struct HealthProblem {
    std::string id;
    std::string message;

    bool operator==(const HealthProblem&) const = default;
};
struct Health {
    std::string verdict; // "good" or "bad"
    std::vector<HealthProblem> problems;
    std::vector<std::string> notes;

    bool good() const { return verdict == "good"; }
    bool operator==(const Health&) const = default;
};

struct Manifest {
    int format = manifest_format_version;
    std::string tool;
    std::string captured_at; // ISO 8601 UTC
    std::string cluster;
    std::string node;
    std::string note;
    struct Db {
        std::int64_t root_version = 0;
        std::int64_t root_writer = 0;
        std::int64_t root_mtime = 0;
        std::string copy_method;
        std::int64_t invariant_violations = 0;
    } db;
    struct Corosync {
        std::optional<std::uint64_t> host_config_version; // /etc/corosync/corosync.conf
        std::optional<std::uint64_t> pve_config_version;  // /etc/pve/corosync.conf
    } corosync;
    struct Authkeys {
        std::optional<std::string> corosync; // SHA-256 of /etc/corosync/authkey
        std::optional<std::string> pve;      // SHA-256 of /etc/pve/priv/authkey.key
    } authkeys;
    std::string state; // state digest (see state_digest.hpp)
    // The running cluster as corosync reported it at capture (a JSON object,
    // corosync::LiveView), or empty when not probed / not reachable.
    std::string runtime_json;
    // The node profile the host files were chosen by (a JSON object,
    // capture::profile_json), or empty in archives from before profiles.
    std::string profile_json;
    // Absent in archives written before snapshots recorded it ("unknown").
    std::optional<Health> health;
    std::vector<Member> members;

    const Member* find(std::string_view path) const;
    // Saturates rather than overflow on a hostile manifest's sizes.
    std::int64_t total_member_bytes() const;
};

// total + size for sizes that are not negative, at most INT64_MAX.
std::int64_t saturating_add(std::int64_t total, std::int64_t size);

// MANIFEST.json is written in pieces to a sink, never held whole: on a
// pmxcfs-maximum db it is 80 MB of text. The bytes are exactly nlohmann's
// dump(1) of the same document (a test holds it to that), so archives stay
// byte-identical across the change that introduced streaming.
using TextSink = std::function<void(std::string_view)>;
void write_manifest(const Manifest& manifest, const TextSink& sink);
std::uint64_t manifest_size(const Manifest& manifest);
std::string serialize_manifest(const Manifest& manifest);

// The members one at a time, in archive order, for a writer that holds them
// in a form of its own: capture keeps pve/ as a compact table, where a
// Member each was 42 MB of snapshot's peak on a pmxcfs-maximum db. The
// Member passed is valid only during the call.
using MemberVisitor = std::function<void(const Member&)>;
using MemberWalk = std::function<void(const MemberVisitor&)>;
// The same document and bytes as above, with header's fields and walk's
// members (header.members is not read).
void write_manifest(const Manifest& header, const MemberWalk& walk, const TextSink& sink);
std::uint64_t manifest_size(const Manifest& header, const MemberWalk& walk);
MemberWalk walk_members(const std::vector<Member>& members);

Manifest parse_manifest(std::string_view json);
// The same, pulled in chunks as it arrives (the reader streams it out of the
// archive); the source returns 0 at the end and may throw. size_hint, the
// length of the text when known, sizes the member list up front.
using TextSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;
// Says, member by member as each is parsed and checked, whether the manifest
// keeps it: diff keeps of the second archive only what differs from the
// first, where a second full list was 42 MB on a pmxcfs-maximum archive.
// Every member is seen, kept or not; the members' errors name their index in
// the text either way.
using MemberFilter = std::function<bool(const Member&)>;
Manifest parse_manifest(const TextSource& json, std::uint64_t size_hint = 0,
                        const MemberFilter& keep = {});

} // namespace pmxsnap::archive
