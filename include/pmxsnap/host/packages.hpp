// What the node runs, from its own records under --root, so a rescue
// system reading a mounted disk learns the node's releases, not its own:
// dpkg's status file (an installed package's version) and os-release (the
// Debian release).
#pragma once

#include "pmxsnap/host/host.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap::host {

// "3.1.9-2+deb13u1" for "corosync" when dpkg has it installed; nullopt when
// it is not, or <root>/var/lib/dpkg/status is missing.
std::optional<std::string> installed_package_version(const Host& host, std::string_view package);

// VERSION_ID of <root>/etc/os-release ("13") when it names Debian.
std::optional<std::string> debian_release(const Host& host);

} // namespace pmxsnap::host
