// restore file: one file put back from an archive, only when the live file
// is still the one the operator reviewed (its SHA-256 equals
// --expect-digest, which diff prints) or with --force.
// - An /etc/pve path goes into the mounted, writable /etc/pve by temp name +
//   rename in the same directory, as pmxcfs supports; the file it replaces
//   stays beside it as a copy, <file>.pmxsnap-<stamp> (pmxcfs has no hard
//   links). Never through the db: restoring an old db into a running
//   cluster for one file would roll back everything else.
// - A node-local file snapshots record (/etc/corosync/corosync.conf,
//   /etc/hostname, /etc/hosts, /etc/resolv.conf, /etc/network/interfaces and
//   interfaces.d/*) goes in place with the archived mode and owner by temp
//   file, fsync, rename, directory fsync; the file it replaces stays as
//   <file>.pmxsnap-<stamp>.
// The archived content is checked first (a corosync.conf, /etc/corosync's
// or /etc/pve's, must parse and show no truncation), and another cluster's
// archive (for a node's own files, another node's) is refused unless --force.
#pragma once

#include "pmxsnap/host/host.hpp"
#include "pmxsnap/trust/private_copy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::restore {

struct FileRestore {
    std::string member;                         // "pve/storage.cfg", "host/etc/hosts"
    fs::path target;                            // /etc/pve/storage.cfg under --root
    std::optional<std::string> previous_sha256; // nullopt: the file did not exist
    std::string restored_sha256;
    std::optional<fs::path> kept;    // where the replaced file is now
    std::vector<std::string> forced; // refusals overridden by --force
    std::vector<std::string> notes;  // what the operator should know (owner not set, ...)
    std::string next;                // what to run next, when something is
};

// archive: read from its private copy (the one its signature was checked
// on), named as the operator gave it.
FileRestore restore_file(const trust::PrivateCopy& archive, const host::Host& host,
                         const std::string& path, const std::optional<std::string>& expect_digest,
                         bool force, const fs::path& identity);

// Why restore file does not take a path ("" when it does): it puts back
// /etc/pve paths and the node-local files above, nothing else. Pure.
std::string restore_file_refusal(const std::string& path);

} // namespace pmxsnap::restore
