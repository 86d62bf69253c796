// The check a command makes before it believes an archive it then reads
// (restore plan, extract and file; diff; ls and cat): repo::authenticate_archive over
// the private copy it goes on reading, said of the archive as given.
#pragma once

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/repo/authenticate.hpp"
#include "pmxsnap/trust/private_copy.hpp"

#include <string_view>
#include <vector>

namespace pmxsnap::trust {

// The authentic index, or archive::Rejected (exit 1): "ARCHIVE: signature:
// PROBLEM; `pmxsnap verify ARCHIVE` says more, --no-verify UNCHECKED it
// unchecked" (unchecked: what --no-verify does instead, "extracts"; "" for
// a command that has no --no-verify, and the clause is left out).
// Ends at the stop point `archive-authenticated` (interruption_point), where
// a test rewrites the archive to show that the reads after it are the copy's.
repo::IndexCheck authenticate_copy(const PrivateCopy& copy,
                                   const std::vector<crypto::PublicKey>& keys,
                                   std::string_view unchecked);

} // namespace pmxsnap::trust
