// archive::Rejected: the archive itself is the finding (corrupt, truncated,
// hostile, foreign, not matching its manifest): exit 1 at the top level. A
// sibling of pmxsnap::Error (cannot open, I/O: exit 2), not a kind of it:
// catch ErrorBase for "anything that stops reading".
#pragma once

#include "pmxsnap/util/error.hpp"

#include <string>
#include <string_view>

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

// Runs read(). A rejection from inside an archive names the member; the
// operator also needs the archive, so it is put in front (once). It stays a
// Rejected: exit 1 at the top level.
template <typename Read>
auto naming_archive(const std::string& archive, Read&& read) -> decltype(read()) {
    try {
        return read();
    } catch (const Rejected& rejected) {
        if (std::string_view(rejected.what()).starts_with(archive + ":"))
            throw;
        throw Rejected(fmt::format("{}: {}", archive, rejected.what()));
    }
}

} // namespace pmxsnap::archive
