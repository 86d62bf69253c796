// restore file: one /etc/pve path put back into the mounted, writable
// /etc/pve — temp name + rename in the same directory, as pmxcfs supports —
// only when the live file is still the one the operator reviewed (its SHA-256
// equals --expect-digest, which diff prints) or with --force. Never through
// the db: restoring an old db into a running cluster for one file would roll
// back everything else.
#pragma once

#include "pmxsnap/host/host.hpp"

#include <optional>
#include <string>

namespace pmxsnap::restore {

struct FileRestore {
    std::string member;                         // "pve/storage.cfg"
    fs::path target;                            // /etc/pve/storage.cfg under --root
    std::optional<std::string> previous_sha256; // nullopt: the file did not exist
    std::string restored_sha256;
};

FileRestore restore_file(const fs::path& archive, const host::Host& host, const std::string& path,
                         const std::optional<std::string>& expect_digest, bool force,
                         const fs::path& identity);

} // namespace pmxsnap::restore
