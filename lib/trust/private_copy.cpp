#include "pmxsnap/trust/private_copy.hpp"

#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/error.hpp"

#include <fcntl.h>

namespace pmxsnap::trust {
namespace {

void copy_file_to(const fs::path& from, const fs::path& to) {
    Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
        fail_errno(to.string());
    read_chunks(from, [&](std::string_view chunk) { write_all(out.get(), chunk, to); });
}

// A directory name for the copy: the original's, or "_" where it has none
// (an archive in /): no node or cluster is named "_", so placement still
// fails as it does for the original.
fs::path name_or_placeholder(const fs::path& directory) {
    auto name = directory.filename();
    return name.empty() ? fs::path("_") : name;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

} // namespace

PrivateCopy::PrivateCopy(const fs::path& archive)
    : original_(archive)
    , copy_(archive) {
    std::error_code error;
    if (!fs::is_regular_file(archive, error))
        return;
    auto absolute = fs::absolute(archive);
    auto node_dir = absolute.parent_path();
    auto directory =
        scratch_ / name_or_placeholder(node_dir.parent_path()) / name_or_placeholder(node_dir);
    create_directories(directory, 0700);
    copy_ = directory / absolute.filename();
    copy_file_to(archive, copy_);
    auto signature = repo::signature_path_for(archive);
    if (fs::is_regular_file(signature, error))
        copy_file_to(signature, repo::signature_path_for(copy_));
}

std::string PrivateCopy::as_original(std::string text) const {
    // Nothing was copied (not a regular file): nothing to rename, and the
    // directory of a bare file name is "", which is found everywhere.
    if (copy_ == original_)
        return text;
    // The copy's name as the operator gave the original's (a signature's
    // name starts with it), then its directory for any other name in it.
    replace_all(text, copy_.string(), original_.string());
    replace_all(text, copy_.parent_path().string(), fs::absolute(original_).parent_path().string());
    return text;
}

} // namespace pmxsnap::trust
