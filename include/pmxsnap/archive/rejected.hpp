// archive::Rejected: the archive itself is the finding (corrupt, truncated,
// hostile, foreign, not matching its manifest): exit 1 at the top level. A
// sibling of pmxsnap::Error (cannot open, I/O: exit 2), not a kind of it:
// catch ErrorBase for "anything that stops reading".
#pragma once

#include "pmxsnap/util/error.hpp"

namespace pmxsnap::archive {

class Rejected : public ErrorBase {
  public:
    using ErrorBase::ErrorBase;
    ExitCode exit_code() const override { return ExitCode::findings; }
};

template <typename... Args>
[[noreturn]] void reject(fmt::format_string<Args...> format, Args&&... args) {
    throw Rejected(fmt::format(format, std::forward<Args>(args)...));
}

} // namespace pmxsnap::archive
