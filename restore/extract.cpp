#include "extract.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"

#include <fcntl.h>

#include <memory>

namespace pmxsnap::restore {
namespace {

bool selected(const std::string& member, const std::vector<std::string>& wanted) {
    if (wanted.empty())
        return true;
    for (const auto& w : wanted)
        if (member == w || member.starts_with(w + "/"))
            return true;
    return false;
}

class Extract : public archive::MemberHandler {
  public:
    Extract(const fs::path& directory, const std::vector<std::string>& wanted)
        : directory_(directory)
        , wanted_(wanted) {}
    bool wants(const archive::Member& m) override { return selected(m.path, wanted_); }
    void begin(const archive::Member& m) override {
        auto target = directory_ / m.path;
        if (m.is_directory) {
            create_directories(target, 0700);
            ++result.directories;
            return;
        }
        create_directories(target.parent_path(), 0700);
        current_ = std::make_unique<AtomicFile>(target, m.mode & 0777);
    }
    void data(std::string_view chunk) override { current_->write(chunk); }
    void end(const archive::Member& m) override {
        if (m.is_directory)
            return;
        current_->commit();
        current_.reset();
        ++result.files;
    }
    ExtractResult result;

  private:
    fs::path directory_;
    const std::vector<std::string>& wanted_;
    std::unique_ptr<AtomicFile> current_;
};

} // namespace

std::string member_path_of(const std::string& path) {
    if (path.starts_with("/etc/pve/"))
        return "pve/" + path.substr(9);
    if (path.starts_with("/"))
        return "host" + path;
    return path;
}

ExtractResult extract_archive(const fs::path& archive, const fs::path& directory,
                              const std::vector<std::string>& paths, bool force,
                              const fs::path& identity) {
    std::error_code ec;
    if (fs::exists(directory) && !fs::is_directory(directory))
        fail("{}: not a directory", directory.string());
    if (fs::exists(directory) && !fs::is_empty(directory, ec) && !force)
        fail("{}: not empty (extract refuses to mix with existing files; --force to allow)",
             directory.string());
    std::vector<std::string> wanted;
    wanted.reserve(paths.size());
    for (const auto& p : paths)
        wanted.push_back(member_path_of(p));
    archive::ArchiveInput input(archive, identity);
    archive::Reader reader(input.source());
    for (const auto& w : wanted) {
        bool known = false;
        for (const auto& m : reader.manifest().members)
            known = known || selected(m.path, {w});
        if (!known)
            fail("{}: not in {}", escape_name(w), archive.string());
    }
    create_directories(directory, 0700);
    Extract extract(directory, wanted);
    reader.read_members(extract);
    return extract.result;
}

} // namespace pmxsnap::restore
