#include "pmxsnap/corosync/limits.hpp"

#include <fmt/format.h>

namespace pmxsnap::corosync {

std::string oversize_conf_meaning(std::uint64_t size) {
    return fmt::format("not a corosync.conf: {} bytes, over the {}-byte limit (pmxcfs serves no "
                       "file over 1 MiB)",
                       size, max_conf_bytes);
}

} // namespace pmxsnap::corosync
