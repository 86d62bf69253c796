// What differs between two sides, path by path. Paths whose digest, mode and
// owner agree in both manifests are skipped without reading their content;
// only the paths that differ are read, in one pass per side.
#pragma once

#include "source.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::diff {

enum class Status { added, removed, modified, metadata };
std::string to_string(Status status);

struct Change {
    std::string path;
    Status status = Status::modified;
    const archive::Member* before = nullptr; // nullptr when added
    const archive::Member* after = nullptr;  // nullptr when removed
    bool secret = false;
    bool binary = false;
    bool truncated = false;
    std::vector<std::string> truncation;              // why, in words
    nlohmann::json detail = nlohmann::json::object(); // sections, corosync, unified
    std::string unified;                              // the unified diff (masked)
};

struct CompareOptions {
    std::vector<std::string> path_globs; // empty: every path
    bool show_secrets = false;
    bool cluster_wide_only = false; // cross-node: node-local paths are not compared
};

// A directory added or removed with everything under it: one line in the
// text, its files still one change each in the JSON.
struct Subtree {
    std::string path; // the directory's member name
    Status status = Status::added;
    std::size_t directory = 0;              // its change
    std::size_t first = 0, last = 0;        // changes[first..last): what is under it
    std::size_t files = 0, directories = 0; // under it, itself not counted
};

struct Comparison {
    // The changed paths in path order (db/config.db aside: its content is
    // the pve/ tree, compared entry by entry).
    std::vector<Change> changes;
    // How many paths the comparison covered (the union of both sides, selected).
    std::size_t paths_compared = 0;
    // The --path patterns that selected no path of either side, as given.
    std::vector<std::string> unmatched_globs;
};

Comparison compare_sides(const Side& a, const Side& b, const CompareOptions& options);

// The outermost directories among the changes that are added or removed
// together with every entry the side holding them lists under them.
std::vector<Subtree> subtrees_of(const std::vector<Change>& changes, const Side& a, const Side& b);

struct ReadCounts {
    std::size_t a = 0, b = 0; // member contents read from each side
};

// Reads what the changes need and fills in truncation, binary, detail and
// unified.
void describe_changes(std::vector<Change>& changes, const Side& a, const Side& b,
                      const CompareOptions& options, ReadCounts& reads);

} // namespace pmxsnap::diff
