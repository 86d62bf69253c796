// TempDir: a private (0700) directory removed with everything in it when the
// object goes away. Throws pmxsnap::Error when it cannot be created.
#pragma once

#include "pmxsnap/util/file.hpp"

namespace pmxsnap {

class TempDir {
  public:
    // Created under $TMPDIR (default /tmp) unless parent is given.
    explicit TempDir(const fs::path& parent = {});
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();

    const fs::path& path() const { return path_; }
    fs::path operator/(const fs::path& name) const { return path_ / name; }

  private:
    fs::path path_;
};

} // namespace pmxsnap
