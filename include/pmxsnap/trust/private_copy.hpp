// PrivateCopy: the archive and its signature copied, once, into a private
// scratch directory (0700, removed with the object) under the same
// <cluster>/<node>/<file> names, so the signature's placement check reads
// the same. Every check and read after it sees bytes nobody else can
// change: an archive replaced or rewritten in place after the copy changes
// nothing of what was checked and is then read: what restore apply
// verifies and installs, what restore plan, extract and file, diff, ls and
// cat authenticate and then read. A path that is not a regular file is passed
// through, for the check to say what it is.
#pragma once

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <string>

namespace pmxsnap::trust {

class PrivateCopy {
  public:
    explicit PrivateCopy(const fs::path& archive);
    const fs::path& path() const { return copy_; }
    const fs::path& original() const { return original_; }
    // text (a verification's detail) with the copy's directory named as the
    // original's, for messages an operator reads.
    std::string as_original(std::string text) const;
    // read(path()), anything it throws said of the original (as_original),
    // of the same kind: exit 1 stays 1, exit 2 stays 2.
    template <typename Read>
    decltype(auto) read(Read&& read) const {
        try {
            return read(copy_);
        } catch (const archive::Rejected& rejected) {
            throw archive::Rejected(as_original(rejected.what()));
        } catch (const Error& error) {
            throw Error(as_original(error.what()));
        }
    }

  private:
    TempDir scratch_;
    fs::path original_;
    fs::path copy_;
};

} // namespace pmxsnap::trust
