// TempDir: a private (0700) directory removed with everything in it when the
// object goes away. Throws pmxsnap::Error when it cannot be created.
//
// Named pmxsnap-<pid>-XXXXXX and held with a shared flock while it lives, so
// a later run can tell the scratch of a killed run (SIGKILL, power loss:
// no destructor ran) from a live one's: the first TempDir of a process
// removes, in the same parent, the pmxsnap-<pid>-* directories of our uid
// whose pid is gone and whose lock nobody holds.
#pragma once

#include "pmxsnap/util/file.hpp"

#include <cstddef>
#include <vector>

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

    // Removes every TempDir of this process that still exists (for the top
    // level after an interruption, in case one outlived the unwinding);
    // returns how many there were.
    static std::size_t remove_all_live();

    // Removes the scratch directories killed runs left in parent (see
    // above); returns their paths. Never throws.
    static std::vector<fs::path> sweep_stale(const fs::path& parent);
    // What the first TempDir of this process swept (for -v).
    static std::vector<fs::path> swept();

  private:
    fs::path path_;
    Fd lock_;
};

} // namespace pmxsnap
