#include "pmxsnap/util/error.hpp"

#include <cerrno>
#include <cstring>

namespace pmxsnap {

std::string errno_text(int err) {
    char buffer[256];
    // GNU strerror_r returns the message pointer, which may or may not be buffer.
    return strerror_r(err, buffer, sizeof buffer);
}

void fail_errno(const std::string& what) {
    throw Error(what + ": " + errno_text(errno));
}

} // namespace pmxsnap
