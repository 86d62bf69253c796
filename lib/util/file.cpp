#include "pmxsnap/util/file.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace pmxsnap {

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.release();
    }
    return *this;
}

Fd::~Fd() {
    close();
}

int Fd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

void Fd::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

namespace {

// The one read loop: an open descriptor to its pieces.
void read_fd_chunks(int fd, const fs::path& path,
                    const std::function<void(std::string_view)>& consume) {
    char buffer[65536];
    for (;;) {
        interruption_point(); // a 28 MB db copy or an archive read stops within a chunk
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_errno(path.string());
        if (n == 0)
            return;
        consume({buffer, static_cast<std::size_t>(n)});
    }
}

Fd open_for_reading(const fs::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_errno(path.string());
    return fd;
}

} // namespace

void read_chunks(const fs::path& path, const std::function<void(std::string_view)>& consume) {
    auto fd = open_for_reading(path);
    read_fd_chunks(fd.get(), path, consume);
}

std::optional<std::string> read_file_if_exists(const fs::path& path, std::uint64_t max_bytes) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return std::nullopt;
        fail_errno(path.string());
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        fail_errno(path.string());
    if (S_ISDIR(st.st_mode))
        fail("{}: is a directory, expected a file", path.string());
    std::string content;
    read_fd_chunks(fd.get(), path, [&](std::string_view chunk) {
        if (content.size() + chunk.size() > max_bytes)
            fail("{}: larger than {} bytes, refusing to read it whole", path.string(), max_bytes);
        content.append(chunk);
    });
    return content;
}

std::string read_file(const fs::path& path, std::uint64_t max_bytes) {
    auto content = read_file_if_exists(path, max_bytes);
    if (!content)
        fail("{}: {}", path.string(), errno_text(ENOENT));
    return *content;
}

void write_all(int fd, std::string_view bytes, const fs::path& for_error) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_errno(for_error.string());
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void fsync_directory(const fs::path& directory) {
    Fd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0)
        fail_errno(directory.string());
}

void create_directories(const fs::path& directory, unsigned mode) {
    std::error_code error;
    if (directory.empty() || fs::is_directory(directory, error))
        return;
    create_directories(directory.parent_path(), mode);
    if (::mkdir(directory.c_str(), mode) != 0 && errno != EEXIST)
        fail_errno(directory.string());
}

void require_owner_only(const fs::path& path, std::string_view what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        fail_errno(path.string());
    if ((st.st_mode & 077) != 0)
        fail("{}: permissions {:04o} are too open; {} must be 0600 (chmod 600 {})", path.string(),
             st.st_mode & 07777, what, path.string());
}

std::string file_version(const struct stat& st) {
    return fmt::format("{}:{}:{}:{}.{:09}:{}.{:09}", st.st_dev, st.st_ino, st.st_size,
                       st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec,
                       st.st_ctim.tv_nsec);
}

std::optional<std::string> file_version(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return file_version(st);
}

} // namespace pmxsnap
