// Level 3 of verify: would a restore accept this archive? The archive's db
// passes integrity_check and every pmxcfs load rule; its tree equals the pve/
// members (paths, types, content, pmxcfs versions); the manifest's versions
// equal what the files say; the captured corosync.conf parses, names this
// cluster, and has this node in its nodelist. Problems are values.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/util/file.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pmxsnap::trust {

struct ExtractedForCheck {
    fs::path db;                                        // db/config.db, extracted
    std::map<std::string, std::string> corosync_copies; // member path → text
};

// Level 3's view of a manifest: all of it but the member list, which is let
// go before the db's tree is built (on a pmxcfs-maximum archive the two
// together were 85 MB of verify's 100 MiB peak), and the fingerprint of its
// pve/ members: SHA-256 over each entry's path, type, content digest and
// pmxcfs inode, version and writer, in path order. The db's tree gives the
// same fingerprint exactly when pve/ and the db agree; only when they do not
// is the member list read again, to name each difference (and then the list
// and the tree are held together, as before).
struct CondensedManifest {
    archive::Manifest header; // members left out
    Sha256Digest pve;         // none when a path is listed twice or holds a NUL
};
CondensedManifest condense(archive::Manifest manifest);

// Brings the full manifest back (verify reads the archive's again).
using ManifestReread = std::function<archive::Manifest()>;

struct Restorability {
    std::vector<std::string> problems; // a restore would refuse it, or pmxcfs would not serve it
    std::vector<std::string> warnings; // restorable, with a caveat pmxcfs serves it with
};

Restorability check_restorable(const CondensedManifest& manifest,
                               const ExtractedForCheck& extracted, const ManifestReread& reread);
// The same for a manifest at hand.
Restorability check_restorable(const archive::Manifest& manifest,
                               const ExtractedForCheck& extracted);

} // namespace pmxsnap::trust
