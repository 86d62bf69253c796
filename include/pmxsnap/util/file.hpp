// Small file helpers: whole-file reads of the small text files pmxsnap deals
// with, an owning file descriptor, fsync of a directory. Throw pmxsnap::Error
// naming the path.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap {

namespace fs = std::filesystem;

// Owning file descriptor: closes on destruction, movable, never copied.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd)
        : fd_(fd) {}
    Fd(Fd&& other) noexcept
        : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release();
    void close();

  private:
    int fd_ = -1;
};

// What changes whenever a file's bytes or the file at a path do:
// "dev:inode:size:mtime_ns:ctime_ns" of a stat result. A write in place moves
// ctime (nobody can set it back), a rename over the path brings another
// inode; equal before and after a read, the read saw one file, unchanged.
std::string file_version(const struct stat& st);
// file_version of what path names now (following links), or nullopt when it
// cannot be stat'ed.
std::optional<std::string> file_version(const fs::path& path);

// Reads a whole file; refuses files larger than max_bytes (these are config
// files, a huge one is a finding, not something to load).
std::string read_file(const fs::path& path, std::uint64_t max_bytes = 64u << 20);

// As read_file, but a missing file gives nullopt instead of an error.
std::optional<std::string> read_file_if_exists(const fs::path& path,
                                               std::uint64_t max_bytes = 64u << 20);

// Calls consume with successive pieces of the file (64 KiB at most), so
// memory does not grow with the file; retries EINTR.
void read_chunks(const fs::path& path, const std::function<void(std::string_view)>& consume);

// Writes all of bytes to fd, retrying short writes and EINTR.
void write_all(int fd, std::string_view bytes, const fs::path& for_error);

void fsync_directory(const fs::path& directory);

// Creates directory and missing parents with the given mode (existing ones keep theirs).
void create_directories(const fs::path& directory, unsigned mode);

// Refuses a secret file that group or others may access, as ssh does:
// "<path>: permissions 0640 are too open; <what> must be 0600 (chmod 600 <path>)".
void require_owner_only(const fs::path& path, std::string_view what);

} // namespace pmxsnap
