// The state digest: one SHA-256 that changes exactly when the captured
// configuration changes — every pve/ and host/ member's path, type, mode,
// owner and content digest, each pve/ entry's pmxcfs version and writer, and
// the db root version. db/config.db's bytes (page layout), capture time and
// host file mtimes are left out: they change without the configuration
// changing. `snapshot --if-changed` compares it with the newest archive's.
#pragma once

#include "pmxsnap/archive/manifest.hpp"

#include <string>

namespace pmxsnap::archive {

std::string state_digest(const Manifest& manifest);
// The same digest with header's fields and walk's members.
std::string state_digest(const Manifest& header, const MemberWalk& walk);

} // namespace pmxsnap::archive
