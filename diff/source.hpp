// The two sides of a diff. A side is an archive (a path, or `latest`,
// `latest@NODE`, `latest~K`, `latest@NODE~K` looked up in the repository) or
// `live`: this host captured as a snapshot would capture it, without writing
// anything. Either way a side is a manifest (every path with its digest) plus
// a way to fetch the content of the few paths that differ.
#pragma once

#include "by_path.hpp"

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/capture/capture.hpp"
#include "pmxsnap/corosync/live_cluster.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/trust/private_copy.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace pmxsnap::diff {

struct Side {
    std::string spec;  // as given: "latest~1", "live", a path
    std::string label; // "pve1 2026-11-25T04:00:00Z", "live pve1"
    bool is_live = false;
    fs::path archive; // archive sides, as given (what is shown)
    // An archive side's private copy: its signature is checked on it and
    // every read is of it, never of the file again (trust::PrivateCopy).
    std::shared_ptr<const trust::PrivateCopy> copy;
    fs::path identity;                          // age identity file (encrypted archives)
    std::unique_ptr<capture::Capture> captured; // the live side
    archive::Manifest archived; // an archive side's manifest; the live side's, from its capture
    Sha256Digest archived_json_digest;         // of its MANIFEST.json, for the second pass
    std::optional<corosync::LiveView> runtime; // live: probed now; archive: recorded at capture
    std::string runtime_error; // live: why the probe got no answer; "" when not probed or answered
    std::string signer;        // archive sides: the trusted key id that vouched for it, hex
    std::vector<std::string> notes; // "corosync is not running: ...", ...
    // Every member of this side by path. For a side read against a reference
    // side, it points into both: the reference's members this side lists
    // identically, and the rest from `archived`.
    ByPath by_path;
    // What the archive's MANIFEST.json lists. When it was read against
    // another side's (open_side's reference), `archived` keeps only the
    // members that are not identical to the reference's: a second list of
    // 262,144 members was 42 MB of the 114 MiB a pmxcfs-maximum diff peaked at.
    archive::ListedTotals listed;

    // Held once: a copy of a pmxcfs-maximum manifest is 44 MB. Its members may
    // be only some (see `listed`): look members up in by_path.
    const archive::Manifest& manifest() const { return archived; }
};

struct SourceOptions {
    fs::path repo;
    bool offline = false;
    fs::path identity;                  // age identity file for encrypted archives
    std::optional<std::int64_t> before; // --before: for latest and latest-good
    // The trusted keys every archive side is authenticated against before
    // it is read (repo::authenticate_archive); none: not checked (--no-verify).
    std::optional<std::vector<crypto::PublicKey>> trusted_keys;
};

// Throws pmxsnap::Error (exit 2) naming the source when it cannot be found;
// archive::Rejected (exit 1) when the archive itself is bad or, with trusted
// keys, its signature, signed index or bytes do not hold.
// With a reference (the other side, opened first and outliving this one), an
// archive side keeps in memory only the members that differ from it.
Side open_side(const std::string& spec, const host::Host& host, const SourceOptions& options,
               const Side* reference = nullptr);

// The content of the given member paths, read in one pass (archive: the safe
// reader checks each of them against the manifest, digest included, and
// steps over every other member). reads counts the members read.
std::map<std::string, std::string>
read_contents(const Side& side, const std::set<std::string>& paths, std::size_t& reads);

} // namespace pmxsnap::diff
