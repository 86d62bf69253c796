// The drill, verify's fourth level: the archive proven by the real pmxcfs.
// Its db, copied into a private scratch directory, is served by pmxcfs in
// local mode inside namespaces of its own (host/pmxcfs_sandbox.hpp), as the
// archived node; then every entry pmxcfs serves below /etc/pve (type,
// content, mode, owner), its node links and its .vmlist are compared with
// the archive's pve/ members. A model of pmxcfs's rules (level 3) can be
// wrong; this cannot, for the pmxcfs installed.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/trust/level.hpp"
#include "pmxsnap/util/file.hpp"

#include <chrono>

namespace pmxsnap::trust {

struct DrillOptions {
    fs::path pmxcfs = "/usr/bin/pmxcfs";
    // For all of it: pmxcfs's start, the comparison and its stop.
    std::chrono::seconds timeout{30};
};

// Throws pmxsnap::Error when the drill cannot be set up (not root, no
// namespaces); a pmxcfs that refuses the db, hangs or dies, and any entry
// served otherwise than archived, is a failed level with the paths named.
// Skipped (with why) when the pmxcfs binary is not there.
LevelResult drill(const archive::Manifest& manifest, const fs::path& db,
                  const DrillOptions& options);

// Why a drill cannot run here at all, or "" (it needs root: namespaces,
// mounts, FUSE). Commands check it before reading any archive.
std::string drill_unavailable();

} // namespace pmxsnap::trust
