// The rules pmxcfs checks when it loads config.db (database.c,
// bdb_backend_load_index) plus the limits of memdb, in one checker that
// snapshot, verify, inspect, restore and doctor all use. Each violation names
// its rule, the inode and (when it has one) the path; messages use pmxcfs's
// words so they can be matched against its log.
#pragma once

#include "pmxsnap/configdb/tree.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pmxsnap::configdb {

struct Violation {
    std::string rule;    // stable id, e.g. "duplicate-name"
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
} // namespace rule

std::vector<Violation> check_invariants(const Tree& tree);

} // namespace pmxsnap::configdb
