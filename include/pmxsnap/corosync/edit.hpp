// Edits of corosync.conf text that change only the lines they must, so the
// operator's layout and comments survive (RECOVERY.md: bump config_version
// above every copy before installing a fixed cluster-wide copy).
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
