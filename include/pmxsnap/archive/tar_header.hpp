// The tar headers of a .pmxsnap: POSIX ustar blocks, with a pax extended
// header in front only when a value does not fit ustar (a long or non-ASCII
// path, a large size, an out-of-range time or id), as libarchive's
// "pax restricted" format does, and byte-identical to it whenever ustar
// suffices (a unit test holds it to libarchive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pmxsnap::archive {

constexpr std::size_t tar_block_size = 512;
// Tar output is padded to whole records of 20 blocks, as libarchive and GNU
// tar write it.
constexpr std::size_t tar_record_size = 20 * tar_block_size;

struct TarEntry {
    std::string_view path; // a directory's without its trailing '/'
    bool is_directory = false;
    unsigned mode = 0;
    unsigned uid = 0;
    unsigned gid = 0;
    std::int64_t size = 0; // ignored for directories
    std::int64_t mtime = 0;
};

// Appends the header block(s) of one entry to out.
void append_tar_header(std::string& out, const TarEntry& entry);

// The zero bytes that follow `size` bytes of member data.
std::size_t tar_padding(std::uint64_t size);

} // namespace pmxsnap::archive
