// The systemd journal of some units for the current boot (libsystemd's
// sd-journal), as text lines "UNIT: MESSAGE" — what `journalctl -b -u corosync
// -u pve-cluster` shows, read directly from the journal files.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::host {

// nullopt when there is no journal to read (no systemd, no permission): the
// caller says so rather than reporting "no matches". At most max_lines of
// the newest messages are kept.
std::optional<std::string> journal_this_boot(const std::vector<std::string>& units,
                                             std::size_t max_lines);

} // namespace pmxsnap::host
