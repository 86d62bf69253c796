#include "restore_file.hpp"

#include "extract.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace pmxsnap::restore {
namespace {

class KeepOne : public archive::MemberHandler {
  public:
    explicit KeepOne(std::string path)
        : path_(std::move(path)) {}
    bool wants(const archive::Member& m) override { return m.path == path_; }
    void data(std::string_view chunk) override { content.append(chunk); }
    std::string content;

  private:
    std::string path_;
};

void require_writable_pve(const host::Host& host) {
    auto mount_point = host.resolve(host::paths::pve_mount).string();
    auto mount = host::mount_at(host::current_mounts(), mount_point);
    if (!mount)
        fail("{}: not mounted (pmxcfs is not running): an edit there would be hidden once it "
             "starts; fix corosync and quorum first (`pmxsnap doctor`)",
             mount_point);
    bool fuse = mount->fs_type == "fuse" || mount->fs_type.starts_with("fuse.");
    if (!fuse)
        fail("{}: a {} mount, not pmxcfs (FUSE)", mount_point, mount->fs_type);
    if (mount->read_only)
        fail("{}: mounted read-only", mount_point);
}

// pmxcfs accepts create + write + rename within a directory; it has no
// fsync semantics of its own (its db commits per write), so none is asked.
void write_via_rename(const fs::path& target, const std::string& content) {
    auto temp = target.parent_path() / (".pmxsnap-tmp." + target.filename().string());
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!fd)
        fail_errno(temp.string());
    try {
        write_all(fd.get(), content, temp);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    fd = Fd();
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        fail_errno(target.string());
    }
}

} // namespace

FileRestore restore_file(const fs::path& archive, const host::Host& host, const std::string& path,
                         const std::optional<std::string>& expect_digest, bool force,
                         const fs::path& identity) {
    FileRestore result;
    result.member = member_path_of(path);
    if (!result.member.starts_with("pve/"))
        fail("{}: restore file puts back /etc/pve paths; for host files use `pmxsnap restore "
             "apply --host-files-only`",
             path);
    archive::ArchiveInput input(archive, identity);
    archive::Reader reader(input.source());
    const auto* member = reader.manifest().find(result.member);
    if (!member || member->is_directory)
        fail("{}: no such file in {}", path, archive.string());
    result.target =
        host.resolve(std::string(host::paths::pve_mount) + "/" + result.member.substr(4));
    require_writable_pve(host);
    if (auto current = read_file_if_exists(result.target))
        result.previous_sha256 = sha256_hex(*current);
    if (!force) {
        if (!expect_digest)
            fail("{}: give --expect-digest SHA256 (the live file's digest, from `pmxsnap diff`) "
                 "or --force",
                 path);
        // "absent": the file must not exist (diff prints it for a file removed
        // since the archive); a digest is compared as sha256sum prints it.
        auto expected = *expect_digest;
        std::transform(expected.begin(), expected.end(), expected.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        auto now = result.previous_sha256.value_or("absent");
        if (now != expected)
            fail("{}: changed since it was reviewed (SHA-256 {}, expected {}); run `pmxsnap diff` "
                 "again",
                 result.target.string(), now, *expect_digest);
    }
    KeepOne keep(result.member);
    reader.read_members(keep);
    result.restored_sha256 = sha256_hex(keep.content);
    write_via_rename(result.target, keep.content);
    return result;
}

} // namespace pmxsnap::restore
