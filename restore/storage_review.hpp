// What the archived storage files name, checked against this machine before
// any of them is installed: each fstab line's device, each multipath WWID,
// the iSCSI initiator name. A restored fstab naming a disk UUID that no
// longer exists stops the boot; these are shown, never installed by `all`.
// Devices are looked up in this machine's /dev (a rescue system reading a
// disk with --root runs on the same machine); the initiator name is
// compared with the one under --root.
#pragma once

#include "pmxsnap/host/host.hpp"

#include <map>
#include <string>
#include <vector>

namespace pmxsnap::restore {

struct StorageCheck {
    std::string what;  // "/etc/fstab line 3: UUID=... /boot/efi"
    std::string state; // "present", "missing", "differs", "same", "not a device"
    std::string detail;
};

// archived: host path → content, for the storage files the archive holds.
// dev: where /dev is (tests give another directory).
std::vector<StorageCheck> review_storage(const std::map<std::string, std::string>& archived,
                                         const host::Host& host, const fs::path& dev = "/dev");

} // namespace pmxsnap::restore
