// Trust from the cluster (keygen --publish): each node's public key in
// /etc/pve/pmxsnap/keys/<node>.pub, which pmxcfs replicates and only a
// quorate cluster member can write. Readers trust these keys besides
// trusted.d, each marked published_for "<cluster>/<node>": the key that
// node's repository directory must be signed with (repo::authenticate_index
// reports another signer there as `foreign`).
//
// /etc/pve counts when pmxcfs serves it (a FUSE mount) on a live host; under
// --root the tree given is the host, so its etc/pve is taken as the cluster
// file system as it is (a rescue copy, a fixture).
//
// A snapshot carries the keys as pve/pmxsnap/keys/<node>.pub: capture
// materialises pve/ from the db, so what counts is the db (pmxcfs writes
// every file under /etc/pve into it). A key file placed in a fixture's
// etc/pve directory without the db is not in its snapshots.
#pragma once

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/host/host.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::trust {

inline constexpr const char* published_keys_dir = "/etc/pve/pmxsnap/keys";

// The cluster directory these keys stand for, as snapshot names it:
// corosync.conf's cluster_name (the node's copy, then /etc/pve's), else
// "standalone".
std::string host_cluster_name(const host::Host& host);

// The keys published on host, each published_for "<cluster>/<node>"; none
// when /etc/pve is not pmxcfs (live host) or the directory is missing. A
// malformed key file is an error naming it (exit 2).
std::vector<crypto::PublicKey> published_keys(const host::Host& host);

struct Publication {
    fs::path path;                       // <root>/etc/pve/pmxsnap/keys/<node>.pub
    std::string node;                    // this host's node name
    bool unchanged = false;              // this very key was published already
    std::optional<std::string> replaced; // the key id --force replaced
};
// Writes key as this node's published key (create, write, rename in the
// keys directory: pmxcfs takes that, and a reader sees the old or the new
// file, never half of one). Refuses (exit 2): /etc/pve not pmxcfs on a live
// host or missing under --root; another key already published for this
// node unless force.
Publication publish_key(const host::Host& host, const crypto::PublicKey& key, bool force);

// --trust-archived-keys: the keys an archive carries in
// pve/pmxsnap/keys/<node>.pub, each published_for "<cluster>/<node>" with
// the cluster its signed index names. Reads only those members (checked
// against the archive's manifest); none when it has none. Trust them only
// for this archive and only when its signature is by one of them: a key
// vouches for an archive that carries it, nothing more, and the output must
// say so.
std::vector<crypto::PublicKey> archived_keys(const fs::path& archive, const fs::path& identity,
                                             const std::string& cluster);

// The keys to check one archive with under --trust-archived-keys: keys as
// they are when one of them signed it; else keys plus the archive's own
// published keys when one of those signed it (archived_key then names it).
// An archived key never stands in for a node the host's keys already have a
// published key for: the cluster's word beats the archive's. Reads the
// .minisig beside the archive, and the archive only when needed.
struct ArchiveTrust {
    std::vector<crypto::PublicKey> keys;
    std::optional<crypto::PublicKey> archived_key; // the archived key that signed it
    std::string note; // why archived keys were not used, when they were looked for
};
ArchiveTrust trust_archived_keys(const fs::path& archive, const fs::path& identity,
                                 const std::vector<crypto::PublicKey>& keys);

} // namespace pmxsnap::trust
