// Capture: everything one snapshot records, read from the host once — a
// consistent copy of config.db, its tree and invariant check, the node-local
// files, corosync versions and authkey digests — assembled into the manifest
// whose members write_archive() then streams. Throws pmxsnap::Error.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pmxsnap::capture {

struct Capture {
    std::unique_ptr<TempDir> scratch;
    fs::path db_copy;
    configdb::CopyReport copy;
    std::unique_ptr<configdb::Database> db;
    configdb::Tree tree;
    std::vector<configdb::Violation> violations;
    archive::Manifest manifest;                    // captured_at left for the writer
    std::map<std::string, std::int64_t> pve_inode; // member path → inode, for data
    std::map<std::string, std::string> host_data;  // member path → bytes (small files)
    std::vector<std::string> warnings;
};

enum class LiveProbe { yes, no };

struct CaptureOptions {
    std::string note;
    // yes reads the running corosync (only meaningful on the live host:
    // under --root it would be the rescue system's).
    LiveProbe probe = LiveProbe::no;
    // /etc/corosync/authkey itself, not only its digest: only for archives
    // that are encrypted (the snapshot command enforces it).
    bool include_authkey = false;
};

Capture capture(const host::Host& host, const CaptureOptions& options);

// The host files every snapshot records (node-local state that is not in
// /etc/pve). Globs are expanded under --root.
std::vector<std::string> node_local_files(const host::Host& host);

} // namespace pmxsnap::capture
