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
#include "storage_review.hpp"

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/trust/drill.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::restore {

struct ApplyOptions {
    bool dry_run = false;
    bool yes = false;
    bool force = false;
    // Non-empty: only these categories of node-local files, not the db
    // (parse_host_categories; a rebuilt node rejoining its cluster).
    std::vector<std::string> host_categories;
    bool offline = false;
    fs::path identity; // age identity file for an encrypted archive
    // Prove the archive with the real pmxcfs before anything changes; a
    // drill that fails (or cannot run) refuses the install, --force or not.
    std::optional<trust::DrillOptions> drill;
};

// One file operation, carried out in the order of the list: every keep
// (a hard link), then every remove, then every install (a rename).
struct Operation {
    enum class Action { keep, remove, install };
    Action action;
    fs::path path;      // the file acted on
    fs::path kept;      // keep: the hard link it gets; remove: where it was kept
    std::string member; // install: the archive member it comes from
};

std::string_view to_string(Operation::Action action);

// For people: keep "<kept>", remove "kept as <kept>", install "from <member>".
std::string detail(const Operation& op);

// A dry run's view of one file it would install: the unified diff against
// what is there now (secret values masked, a secret file's content never).
struct FileDiff {
    fs::path path;
    std::string unified; // empty: identical
    std::string note;    // "new file", "secret: content not shown", "binary"
};

struct ApplyResult {
    std::vector<Operation> operations;
    std::vector<std::string> forced;        // refusals overridden by --force
    std::vector<std::string> not_installed; // archived host files left out, and why
    std::vector<std::string> warnings;      // installable; pmxcfs serves it with a caveat
    std::vector<FileDiff> diffs;            // dry run with host files
    std::vector<StorageCheck> storage;      // the archived storage files against this machine
    bool applied = false;
};

// ask: called to confirm on a terminal; returns true to go on.
ApplyResult apply_archive(const fs::path& archive, const host::Host& host,
                          const std::vector<crypto::PublicKey>& keys, const ApplyOptions& options,
                          const std::function<bool(const std::vector<Operation>&)>& ask);

} // namespace pmxsnap::restore
