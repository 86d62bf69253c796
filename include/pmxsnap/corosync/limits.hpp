// The largest corosync.conf pmxsnap reads as one — doctor, diff, snapshot
// and inspect alike. pmxcfs serves no file over 1 MiB, so no cluster-wide
// copy is larger; a bigger file is not a corosync.conf (a finding, never a
// reason to stop or to read 200 MB into memory).
#pragma once

#include <cstdint>
#include <string>

namespace pmxsnap::corosync {

inline constexpr std::uint64_t max_conf_bytes = 1u << 20;

// "not a corosync.conf: SIZE bytes, over the 1048576-byte limit (pmxcfs
// serves no file over 1 MiB)": the one wording of every command.
std::string oversize_conf_meaning(std::uint64_t size);

} // namespace pmxsnap::corosync
