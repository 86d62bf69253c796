// Written by hand, not left to libarchive's writer: for every entry that
// writer clones it and converts each string through iconv, which was a
// quarter of a snapshot's main thread on a 20,000-entry cluster. What a
// .pmxsnap holds is a small, fixed subset of POSIX.1-2001 (regular files and
// directories with numeric owners), so the encoder is short. Reading stays
// with libarchive.
#include "pmxsnap/archive/tar_header.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace pmxsnap::archive {
namespace {

// POSIX ustar header layout (offset, length).
struct Field {
    std::size_t offset;
    std::size_t length;
};
constexpr Field name_field{0, 100};
constexpr Field mode_field{100, 8};
constexpr Field uid_field{108, 8};
constexpr Field gid_field{116, 8};
constexpr Field size_field{124, 12};
constexpr Field mtime_field{136, 12};
constexpr Field checksum_field{148, 8};
constexpr std::size_t typeflag_offset = 156;
constexpr Field magic_field{257, 8}; // "ustar\0" and version "00"
constexpr Field uname_field{265, 32};
constexpr Field gname_field{297, 32};
constexpr Field devmajor_field{329, 8};
constexpr Field devminor_field{337, 8};
constexpr Field prefix_field{345, 155};

using Block = std::array<char, tar_block_size>;

const char* owner_name(unsigned id) {
    switch (id) {
    case 0:
        return "root";
    case 33:
        return "www-data";
    default:
        return "";
    }
}

void put_text(Block& block, Field field, std::string_view text) {
    if (text.empty()) // an empty view may hold a null pointer, which memcpy must not get
        return;
    std::memcpy(block.data() + field.offset, text.data(), std::min(text.size(), field.length));
}

// `digits` octal digits, then a space, then NUL if the field has room:
// libarchive's layout ("000644 \0" for an 8-byte field, "00000001234 " for 12).
void put_octal(Block& block, Field field, std::uint64_t value, std::size_t digits) {
    char* at = block.data() + field.offset;
    for (std::size_t i = digits; i-- > 0; value >>= 3)
        at[i] = static_cast<char>('0' + (value & 7));
    at[digits] = ' ';
    if (digits + 1 < field.length)
        at[digits + 1] = '\0';
}

bool fits_octal(std::int64_t value, std::size_t digits) {
    return value >= 0 && static_cast<std::uint64_t>(value) < (std::uint64_t{1} << (3 * digits));
}

// ustar's field holds 33 bits, but readers with a signed 32-bit time_t
// misread the top ones; libarchive adds a pax mtime from 2^31 - 1 on (as
// here, which keeps the bytes the same as its).
bool mtime_fits_ustar(std::int64_t mtime) {
    return mtime >= 0 && mtime < 0x7fffffff;
}

bool is_plain_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// ustar keeps a path of up to 255 bytes as prefix '/' name.
struct SplitPath {
    std::string_view prefix;
    std::string_view name;
};

std::optional<SplitPath> split_for_ustar(std::string_view path) {
    if (path.size() <= name_field.length)
        return SplitPath{{}, path};
    for (auto slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
        auto name = path.substr(slash + 1);
        if (slash > prefix_field.length)
            break;
        if (!name.empty() && name.size() <= name_field.length)
            return SplitPath{path.substr(0, slash), name};
    }
    return std::nullopt;
}

// One pax record: "<length> <key>=<value>\n", the length counting itself.
void append_pax_record(std::string& records, std::string_view key, std::string_view value) {
    std::size_t rest = 1 + key.size() + 1 + value.size() + 1;
    std::size_t length = rest + 1;
    while (std::to_string(length).size() + rest != length)
        length = std::to_string(length).size() + rest;
    records += std::to_string(length);
    records += ' ';
    records += key;
    records += '=';
    records += value;
    records += '\n';
}

void finish_checksum(Block& block) {
    std::memset(block.data() + checksum_field.offset, ' ', checksum_field.length);
    unsigned sum = 0;
    for (char c : block)
        sum += static_cast<unsigned char>(c);
    char* at = block.data() + checksum_field.offset;
    for (int i = 5; i >= 0; --i, sum >>= 3)
        at[i] = static_cast<char>('0' + (sum & 7));
    at[6] = '\0';
    at[7] = ' ';
}

Block ustar_block(std::string_view prefix, std::string_view name, const TarEntry& entry,
                  char typeflag, std::uint64_t size) {
    Block block{};
    put_text(block, name_field, name);
    put_text(block, prefix_field, prefix);
    put_octal(block, mode_field, entry.mode & 07777, 6);
    put_octal(block, uid_field, fits_octal(entry.uid, 6) ? entry.uid : 0, 6);
    put_octal(block, gid_field, fits_octal(entry.gid, 6) ? entry.gid : 0, 6);
    put_octal(block, size_field, fits_octal(static_cast<std::int64_t>(size), 11) ? size : 0, 11);
    put_octal(block, mtime_field,
              fits_octal(entry.mtime, 11) ? static_cast<std::uint64_t>(entry.mtime) : 0, 11);
    block[typeflag_offset] = typeflag;
    put_text(block, magic_field,
             std::string_view("ustar\0"
                              "00",
                              8));
    put_text(block, uname_field, owner_name(entry.uid));
    put_text(block, gname_field, owner_name(entry.gid));
    put_octal(block, devmajor_field, 0, 6);
    put_octal(block, devminor_field, 0, 6);
    finish_checksum(block);
    return block;
}

void append_block(std::string& out, const Block& block) {
    out.append(block.data(), block.size());
}

// The pax extended header's own name, as libarchive forms it.
std::string pax_header_name(std::string_view path) {
    auto slash = path.rfind('/');
    auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    auto directory = slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
    std::string name = directory.empty() ? "PaxHeader" : std::string(directory) + "/PaxHeader";
    name += '/';
    name += base;
    return name.substr(0, name_field.length);
}

} // namespace

std::size_t tar_padding(std::uint64_t size) {
    return static_cast<std::size_t>((tar_block_size - size % tar_block_size) % tar_block_size);
}

void append_tar_header(std::string& out, const TarEntry& entry) {
    std::string path(entry.path);
    if (entry.is_directory)
        path += '/';
    std::uint64_t size = entry.is_directory ? 0 : static_cast<std::uint64_t>(entry.size);
    std::string records;
    bool ascii = is_plain_ascii(path);
    auto split = ascii ? split_for_ustar(path) : std::nullopt;
    // pmxcfs names are bytes. Declared as such, libarchive hands them back
    // unchanged; as UTF-8 (the pax default) it would convert them to the
    // reader's locale and normalize them to NFC, so a name in another form
    // would no longer match its manifest entry. (GNU tar does not know the
    // keyword; it warns and extracts the same bytes.)
    if (!ascii)
        append_pax_record(records, "hdrcharset", "BINARY");
    if (!split)
        append_pax_record(records, "path", path);
    if (!fits_octal(entry.uid, 6))
        append_pax_record(records, "uid", std::to_string(entry.uid));
    if (!fits_octal(entry.gid, 6))
        append_pax_record(records, "gid", std::to_string(entry.gid));
    if (!fits_octal(static_cast<std::int64_t>(size), 11))
        append_pax_record(records, "size", std::to_string(size));
    if (!mtime_fits_ustar(entry.mtime))
        append_pax_record(records, "mtime", std::to_string(entry.mtime));
    if (!records.empty()) {
        TarEntry pax_entry = entry;
        pax_entry.mode = 0644;
        append_block(out, ustar_block({}, pax_header_name(path), pax_entry, 'x', records.size()));
        out += records;
        out.append(tar_padding(records.size()), '\0');
    }
    auto prefix = split ? split->prefix : std::string_view{};
    auto name = split ? split->name : std::string_view(path).substr(0, name_field.length);
    append_block(out, ustar_block(prefix, name, entry, entry.is_directory ? '5' : '0', size));
}

} // namespace pmxsnap::archive
