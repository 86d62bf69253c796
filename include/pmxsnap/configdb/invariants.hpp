// The rules pmxcfs follows when it loads config.db (database.c,
// bdb_backend_load_index; memdb.c, memdb_recreate_vmlist), the one limit
// memdb enforces on writes and the capacity it reports, in one checker that
// snapshot, verify, inspect, restore and doctor all use. Each violation names its rule, what pmxcfs
// does about it, the inode and (when it has one) the path; messages use pmxcfs's words so they can
// be matched against its log.
#pragma once

#include "pmxsnap/configdb/tree.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pmxsnap::configdb {

// What pmxcfs does with a db that breaks the rule.
enum class Effect {
    refuses_start,  // "DB load failed" or "memdb_open failed": pmxcfs exits
    drops_entries,  // pmxcfs starts, and the entry (and all under it) is missing from /etc/pve
    refuses_writes, // pmxcfs starts and serves it all; a write past 1 MiB fails (EFBIG)
    // pmxcfs starts, serves it all and still accepts writes: the 128 MiB and
    // 262,144-inode limits only feed statfs, whose free counts reach zero at
    // the limit and wrap around past it (memdb_statfs)
    exceeds_capacity,
    // pmxcfs starts and, when it opens the db, writes a __version__ row
    // (version 1) where there is none or it holds version 0
    writes_version,
};
// "refuses to start", "drops entries", "refuses writes", "exceeds statfs
// capacity", "writes __version__ at start"
std::string to_string(Effect effect);

struct Violation {
    std::string rule; // stable id, e.g. "duplicate-name"
    Effect effect = Effect::refuses_start;
    std::int64_t inode;  // the offending row
    std::string path;    // its path when reachable, else ""
    std::string message; // pmxcfs's wording where pmxcfs has one
};

// Rule ids, documented in man/pmxsnap-verify.1.
namespace rule {
inline constexpr const char* no_name = "no-name";
inline constexpr const char* unknown_type = "unknown-type";
inline constexpr const char* directory_with_data = "directory-with-data";
inline constexpr const char* root_name = "root-name";
inline constexpr const char* missing_version = "missing-version";
inline constexpr const char* parent_not_directory = "parent-not-directory";
inline constexpr const char* missing_parent = "missing-parent";
inline constexpr const char* duplicate_name = "duplicate-name";
inline constexpr const char* unsafe_name = "unsafe-name";
inline constexpr const char* unreachable = "unreachable";
inline constexpr const char* file_too_large = "file-too-large";
inline constexpr const char* total_too_large = "total-too-large";
inline constexpr const char* too_many_inodes = "too-many-inodes";
inline constexpr const char* duplicate_vmid = "duplicate-vmid";
inline constexpr const char* guest_dir_not_directory = "guest-dir-not-directory";
} // namespace rule

struct RuleCheck {
    // What changes what pmxcfs serves: it refuses to start, or it drops
    // entries. Empty: pmxcfs boots this db and serves every entry.
    std::vector<Violation> breaking;
    // What pmxcfs boots and serves whole: a file over 1 MiB (a write to it
    // past 1 MiB fails), more than 128 MiB or 262,144 inodes in all (statfs
    // shows no or wrapped free counts; writes still succeed) and the
    // __version__ row it writes itself when it opens the db: warnings, never
    // a reason to refuse.
    std::vector<Violation> write_limits;
};
RuleCheck check_rules(const Tree& tree);

// check_rules(tree).breaking
std::vector<Violation> check_invariants(const Tree& tree);

} // namespace pmxsnap::configdb
