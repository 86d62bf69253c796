#include "pmxsnap/util/atomic_file.hpp"

#include "pmxsnap/util/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace pmxsnap {

AtomicFile::AtomicFile(fs::path final_path, unsigned mode)
    : final_path_(std::move(final_path)) {
    auto directory = final_path_.parent_path();
    if (directory.empty())
        directory = ".";
    std::string pattern =
        (directory / (std::string(temp_marker) + final_path_.filename().string() + ".XXXXXX"))
            .string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        fail("{}: cannot create a temporary file: {}", directory.string(), errno_text(errno));
    fd_ = Fd(fd);
    temp_path_ = pattern;
    if (::fchmod(fd, mode) != 0)
        fail_errno(temp_path_.string());
}

AtomicFile::~AtomicFile() {
    if (!renamed_ && !temp_path_.empty())
        ::unlink(temp_path_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
    write_all(fd_.get(), bytes, temp_path_);
}

void AtomicFile::sync() {
    if (::fsync(fd_.get()) != 0)
        fail_errno(temp_path_.string());
    // close() can report a deferred write error (NFS): check it before renaming.
    if (::close(fd_.release()) != 0)
        fail_errno(temp_path_.string());
}

void AtomicFile::rename_into_place() {
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
        fail("{}: cannot rename into place: {}", final_path_.string(), errno_text(errno));
    renamed_ = true;
}

void AtomicFile::commit() {
    sync();
    rename_into_place();
    auto directory = final_path_.parent_path();
    fsync_directory(directory.empty() ? fs::path(".") : directory);
}

} // namespace pmxsnap

namespace pmxsnap {

void AtomicFile::commit_no_replace() {
    sync();
    if (::link(temp_path_.c_str(), final_path_.c_str()) != 0) {
        if (errno == EEXIST)
            fail("{}: already exists; refusing to overwrite it", final_path_.string());
        fail("{}: {}", final_path_.string(), errno_text(errno));
    }
    ::unlink(temp_path_.c_str());
    renamed_ = true;
    auto directory = final_path_.parent_path();
    fsync_directory(directory.empty() ? fs::path(".") : directory);
}

} // namespace pmxsnap
