// restore apply: installs an archive's db (and with --host-files its
// node-local files) on this root. Verifies the archive first, refuses what
// the safety rules forbid unless forced, and never destroys what it
// replaces: the current db, -wal and -shm are kept under
// <name>.pmxsnap-<stamp> before anything changes, and every file is
// installed by temp name + fsync + rename. Killed at any point, a config.db
// is in place — the old one (at its last checkpoint) or the new one — and the
// kept copies are complete.
#pragma once

#include "facts.hpp"

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/trust/drill.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::restore {

struct ApplyOptions {
    bool dry_run = false;
    bool yes = false;
    bool force = false;
    bool host_files = false;      // the db and the node-local files
    bool host_files_only = false; // only the node-local files (rejoin)
    bool offline = false;
    fs::path identity; // age identity file for an encrypted archive
    // Prove the archive with the real pmxcfs before anything changes; a
    // drill that fails (or cannot run) refuses the install, --force or not.
    std::optional<trust::DrillOptions> drill;
};

struct Operation {
    std::string action; // "keep", "remove", "install"
    fs::path path;
    std::string detail; // where it is kept, where it comes from
};

struct ApplyResult {
    std::vector<Operation> operations;
    std::vector<std::string> forced;        // refusals overridden by --force
    std::vector<std::string> not_installed; // archived host files left out, and why
    std::vector<std::string> warnings;      // installable; pmxcfs serves it with a caveat
    bool applied = false;
};

// ask: called to confirm on a terminal; returns true to go on.
ApplyResult apply_archive(const fs::path& archive, const host::Host& host,
                          const std::vector<crypto::PublicKey>& keys, const ApplyOptions& options,
                          const std::function<bool(const std::vector<Operation>&)>& ask);

} // namespace pmxsnap::restore
