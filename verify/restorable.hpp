// Level 3 of verify: would a restore accept this archive? The archive's db
// passes integrity_check and every pmxcfs load rule; its tree equals the pve/
// members (paths, types, content, pmxcfs versions); the manifest's versions
// equal what the files say; the captured corosync.conf parses, names this
// cluster, and has this node in its nodelist. Problems are values.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/util/file.hpp"

#include <map>
#include <string>
#include <vector>

namespace pmxsnap::verify {

struct ExtractedForCheck {
    fs::path db;                                        // db/config.db, extracted
    std::map<std::string, std::string> corosync_copies; // member path → text
};

std::vector<std::string> restorability_problems(const archive::Manifest& manifest,
                                                const ExtractedForCheck& extracted);

} // namespace pmxsnap::verify
