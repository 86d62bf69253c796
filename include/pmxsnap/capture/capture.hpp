// Capture: everything one snapshot records, read from the host once — a
// consistent copy of config.db, its tree and invariant check, the node-local
// files, corosync versions and authkey digests — assembled into the manifest
// whose members write_archive() then streams. Throws pmxsnap::Error.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/capture/node_profile.hpp"
#include "pmxsnap/capture/pve_members.hpp"
#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::capture {

struct Capture {
    std::unique_ptr<TempDir> scratch;
    fs::path db_copy;
    configdb::CopyReport copy;
    std::unique_ptr<configdb::Database> db;
    std::vector<configdb::Violation> violations;   // what changes what pmxcfs serves
    std::vector<configdb::Violation> write_limits; // what it serves, with a caveat
    // The manifest's fields (captured_at left for the writer), and of its
    // members only those outside pve/. pve/'s entries are in `pve`, and come
    // right after members[pve_at - 1], the "pve" directory: for_each_member
    // gives every member in order, full_manifest() all in one list.
    archive::Manifest header;
    PveMembers pve;
    std::size_t pve_at = 0;
    std::map<std::string, std::string> host_data; // member path → bytes (small files)
    // The nodelist's names, from /etc/pve/corosync.conf (the cluster's copy)
    // or else /etc/corosync/corosync.conf; empty when neither parses. For
    // the signed index (status names a node that has no snapshot).
    std::vector<std::string> nodelist;
    std::vector<std::string> warnings;
    // Secrets of the profile present on the host but not archived, and why
    // (also in the manifest's profile.withheld).
    std::vector<Withheld> withheld;

    void for_each_member(const archive::MemberVisitor& visit) const;
    // The walk refers to this capture: not for a temporary one.
    archive::MemberWalk members() const&;
    archive::MemberWalk members() && = delete;
    std::size_t member_count() const { return header.members.size() + pve.size(); }
    std::int64_t total_member_bytes() const;
    // The manifest with every member in it, for a reader that wants a list
    // (diff's live side, tests): what snapshot writes, as parse_manifest
    // would give it back.
    archive::Manifest full_manifest() const;

    // The bytes of a pve/ or host/ file member; nullopt for anything else.
    std::optional<std::string> file_data(std::string_view member_path) const;
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
    // Which host files (profile.host_keys: the private SSH host keys too,
    // refused unless encrypting).
    NodeProfile profile;
    // The archive will be encrypted: iscsid.conf with CHAP credentials may go in.
    bool encrypting = false;
};

Capture capture(const host::Host& host, const CaptureOptions& options);

// The host files a snapshot with this profile records (node-local state
// that is not in /etc/pve), globs expanded under --root, the authkey last
// when asked for (refused when missing). Not the generated apt list.
std::vector<std::string> node_local_files(const host::Host& host, const NodeProfile& profile,
                                          bool include_authkey);

// Whether a host path is one of the node-local configuration files
// node_local_files records and `restore file` may put back: corosync.conf,
// hostname, hosts, resolv.conf, network/interfaces and the files directly in
// interfaces.d. Not the SSH host public keys: their private halves are not
// archived, and a mismatched pair breaks sshd. Pure.
bool is_node_local_config(std::string_view host_path);

} // namespace pmxsnap::capture
