// Test-only: corosync.conf text with config_version changed and every other
// byte kept, for tests that make one copy newer than another (RECOVERY.md's
// "bump config_version above every copy" is the operator's edit, not
// something pmxsnap writes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap::corosync {

// The text with totem.config_version set to version; nullopt when the text
// does not parse or has no config_version line to change.
std::optional<std::string> with_config_version(std::string_view text, std::uint64_t version);

} // namespace pmxsnap::corosync
