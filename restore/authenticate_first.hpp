// The signature check restore plan, extract and file make before anything
// in an archive is believed (issue 21): latest-good is picked by the health
// its .minisig's comment claims, and the archive's bytes become a plan,
// files on disk or a file put back, so a forged `health=good` signature
// must fail here, as in diff. Apply checks more (trust::verify_archive,
// every level) and does not pass through this.
#pragma once

#include "context.hpp"

#include "pmxsnap/trust/private_copy.hpp"

#include <string_view>

namespace pmxsnap::restore {

// Checks the private copy (trust::authenticate_copy); the caller then reads
// the same copy, never the file again. A failure is archive::Rejected (exit
// 1); unchecked says what --no-verify would do ("extracts"). No trusted key
// at all is exit 2.
// no_verify skips the check and says so first: on the text's first line,
// else (--json, -q) as a warning.
void authenticate_first(cli::Context& context, bool no_verify, const trust::PrivateCopy& copy,
                        std::string_view unchecked);

} // namespace pmxsnap::restore
