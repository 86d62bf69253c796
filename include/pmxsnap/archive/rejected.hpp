// archive::Rejected: the archive itself is the finding (corrupt, truncated,
// hostile, not matching its manifest). Commands report it and exit 1;
// a plain pmxsnap::Error (cannot open, I/O) exits 2.
#pragma once

#include "pmxsnap/util/error.hpp"

namespace pmxsnap::archive {

class Rejected : public Error {
  public:
    using Error::Error;
};

template <typename... Args>
[[noreturn]] void reject(fmt::format_string<Args...> format, Args&&... args) {
    throw Rejected(fmt::format(format, std::forward<Args>(args)...));
}

} // namespace pmxsnap::archive
