#include "cluster_status.hpp"

#include "pmxsnap/repo/authenticate.hpp"
#include "pmxsnap/util/error.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace pmxsnap::status {
namespace {

// The archive file names of a node directory, sorted (time order), by their
// suffix alone: a year of hourly snapshots is 8,760 archives and the answer
// is in the newest one or two. readdir itself, and no Snapshot per file:
// a directory_entry and a Snapshot for every file were 12.6 s of status on
// 32 such nodes (a loaded machine), nearly all of it allocation.
std::vector<std::string> archive_names(const fs::path& directory) {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory.c_str()), ::closedir);
    if (!dir)
        fail("{}: cannot read the repository directory: {}", directory.string(),
             std::strerror(errno));
    std::vector<std::string> names;
    errno = 0;
    while (const auto* entry = ::readdir(dir.get())) {
        std::string_view name = entry->d_name;
        if ((entry->d_type == DT_REG || entry->d_type == DT_UNKNOWN) &&
            (name.ends_with(repo::archive_suffix) || name.ends_with(repo::encrypted_suffix)))
            names.emplace_back(name);
        errno = 0;
    }
    if (errno != 0)
        fail("{}: cannot read the repository directory: {}", directory.string(),
             std::strerror(errno));
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

NodeStatus read_node(const repo::Repository&, const repo::NodeDirectory& directory,
                     const std::vector<crypto::PublicKey>& keys) {
    NodeStatus row;
    row.cluster = directory.cluster;
    row.node = directory.node;
    auto names = archive_names(directory.path);
    row.snapshots = names.size();
    std::size_t read = 0;
    for (auto name = names.rbegin(); name != names.rend() && read < max_indexes_read; ++name) {
        auto parsed = repo::parse_archive_name(*name);
        if (!parsed)
            continue; // an archive's suffix, but no time stamp before it
        repo::Snapshot snapshot;
        snapshot.cluster = directory.cluster;
        snapshot.node = directory.node;
        snapshot.stamp = parsed->first;
        snapshot.encrypted = parsed->second;
        snapshot.archive = directory.path / *name;
        snapshot.signature = repo::signature_path_for(snapshot.archive);
        repo::read_index(snapshot);
        auto check = repo::authenticate_index(snapshot, keys);
        if (read++ == 0) {
            row.newest = snapshot.archive;
            row.signature = std::string(repo::to_string(check.status));
            row.signature_problem = check.problem;
        }
        if (!check.ok())
            continue; // shown by the newest's status; an older forgery changes nothing
        if (!row.index) {
            row.index = check.comment;
            row.indexed = snapshot.archive;
            row.signer = check.signature->key_id_hex();
            row.captured = check.captured.value_or(0);
        }
        if (check.comment->is_good()) {
            row.last_good = check.captured;
            break;
        }
    }
    return row;
}

} // namespace pmxsnap::status
