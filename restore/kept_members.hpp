// KeptMembers: the archive members restore apply needs, kept in a private
// scratch directory (0700, files 0600, removed with it) as verify's content
// level reads them, and handed again, in archive order, to the readers that
// decide and install. So apply reads the archive once: what it installs are
// the very bytes verify checked, and a file replaced after verify cannot
// slip in. A member counts as kept only at end(), which the reader calls
// once its size and digest matched the manifest.
#pragma once

#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <functional>
#include <utility>
#include <vector>

namespace pmxsnap::restore {

class KeptMembers : public archive::MemberHandler {
  public:
    using Wanted = std::function<bool(const archive::Member&)>;
    explicit KeptMembers(Wanted wanted)
        : wanted_(std::move(wanted)) {}

    bool wants(const archive::Member& m) override { return wanted_(m); }
    void begin(const archive::Member& m) override;
    void data(std::string_view chunk) override;
    void end(const archive::Member& m) override;

    // Gives handler the kept members as a Reader would, in archive order.
    void replay(archive::MemberHandler& handler) const;

  private:
    Wanted wanted_;
    TempDir scratch_;
    std::size_t files_ = 0;
    Fd current_;
    std::pair<archive::Member, fs::path> pending_;           // between begin() and end()
    std::vector<std::pair<archive::Member, fs::path>> kept_; // directories: no file
};

} // namespace pmxsnap::restore
