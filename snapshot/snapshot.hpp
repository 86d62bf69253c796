// take_snapshot: the snapshot use case. Captures the host, skips when
// --if-changed and the newest archive of this node has the same state, and
// otherwise writes <repo>/<cluster>/<node>/<stamp>.pmxsnap[.age] and its .minisig
// so that neither appears under its final name before both are complete.
// Throws pmxsnap::Error (exit 2); invariant violations of the captured db and
// a bad health verdict are reported in the result (the archive is still
// written: it is evidence).
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/capture/node_profile.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/host/host.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace pmxsnap::snapshot {

struct SnapshotOptions {
    fs::path repo;
    fs::path key;
    bool if_changed = false;
    bool offline = false; // never probe the running corosync
    std::string note;
    std::chrono::milliseconds lock_wait{std::chrono::seconds(60)};
    // age recipients ("age1...") and files of them: any makes the archive
    // .pmxsnap.age, encrypted to all of them.
    std::vector<std::string> recipients;
    std::vector<fs::path> recipients_files;
    bool include_authkey = false;   // only with recipients
    bool include_host_keys = false; // the private SSH host keys; only with recipients
    // The node profile's changes: categories or absolute paths.
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    // Capture and decide as a real run would, then stop: no repository
    // directory, no lock file, no archive, no quick record.
    bool dry_run = false;
};

struct Phase {
    std::string name;
    double seconds = 0;
};

// A member a dry run would write (archive name, as in the manifest).
struct PlannedMember {
    std::string path;
    bool is_directory = false;
    std::int64_t size = 0;
};

struct SnapshotResult {
    bool written = false; // false: --if-changed found nothing new, or a dry run
    bool encrypted = false;
    bool quick = false; // unchanged by the quick check: nothing was captured
    fs::path archive;   // the new archive, or the newest one when unchanged
    fs::path signature;
    std::int64_t size = 0;
    std::string cluster;
    std::string node;
    std::string captured_at;
    std::int64_t db_version = 0;
    std::optional<std::uint64_t> config_version;
    std::string state;
    std::size_t members = 0;
    std::string copy_method;
    bool runtime_recorded = false;
    std::vector<configdb::Violation> violations;
    // The captured state's verdict; for an unchanged run the newest
    // archive's, from its signed index (ids, phrased by health::describe),
    // and none when that archive predates health.
    std::optional<archive::Health> health;
    std::vector<std::string> warnings;
    std::string profile;                     // the profile's name: default or custom
    std::vector<capture::Withheld> withheld; // secrets present but not archived
    std::vector<fs::path> cleaned;           // leftovers of killed runs removed
    std::vector<Phase> phases;
    // Dry runs: archive is the name a real run would write now (or the
    // newest one when --if-changed would skip); unchanged_since is the
    // newest archive of this node with the same state, if any.
    bool dry_run = false;
    fs::path unchanged_since;
    std::vector<PlannedMember> planned; // MANIFEST.json excepted
    std::int64_t planned_bytes = 0;
};

SnapshotResult take_snapshot(const host::Host& host, const SnapshotOptions& options);

} // namespace pmxsnap::snapshot
