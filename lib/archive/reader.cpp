#include "pmxsnap/archive/reader.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pmxsnap::archive {
namespace {

// Room for tar headers and padding on top of the members' own bytes.
constexpr std::uint64_t per_member_overhead = std::uint64_t{3} * 512;
constexpr std::uint64_t stream_overhead = 1 << 20;

const char* type_name(mode_t type) {
    switch (type) {
    case AE_IFLNK:
        return "symbolic link";
    case AE_IFCHR:
        return "character device";
    case AE_IFBLK:
        return "block device";
    case AE_IFIFO:
        return "FIFO";
    case AE_IFSOCK:
        return "socket";
    default:
        return "unknown type";
    }
}

} // namespace

void Reader::TarFree::operator()(::archive* tar) const {
    archive_read_free(tar);
}

ssize_t Reader::read_callback(::archive*, void* client, const void** buffer) {
    auto* reader = static_cast<Reader*>(client);
    try {
        *buffer = reader->buffer_.data();
        return static_cast<ssize_t>(reader->decompressor_.read(reader->buffer_));
    } catch (...) {
        reader->source_error_ = std::current_exception();
        return -1;
    }
}

Reader::Reader(ZstdDecompressor::ByteSource source, const ReaderLimits& limits,
               const KnownManifest& known, const MemberFilter& keep)
    : decompressor_(std::move(source), limits.max_total_bytes)
    , limits_(limits)
    , tar_(archive_read_new(), TarFree{})
    , buffer_(1 << 16) {
    if (tar_ == nullptr)
        fail("libarchive: out of memory");
    // Only tar, no filters: zstd is ours, and nothing else may be smuggled in.
    archive_read_support_format_tar(tar_.get());
    if (archive_read_open(tar_.get(), this, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
        if (!source_error_ && decompressor_.total_output() == 0)
            reject("empty archive: no MANIFEST.json, no data at all");
        fail_tar("not a pmxsnap archive");
    }
    read_manifest(known, keep);
}

void Reader::fail_tar(const std::string& what) {
    if (source_error_)
        std::rethrow_exception(source_error_);
    const char* detail = archive_error_string(tar_.get());
    reject("{}: {}", what, detail ? detail : "corrupt or truncated tar stream");
}

bool Reader::next_entry(Member& header) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(tar_.get(), &entry);
    if (rc == ARCHIVE_EOF)
        return false;
    if (rc != ARCHIVE_OK)
        fail_tar("corrupt or truncated archive");
    const char* name = archive_entry_pathname(entry);
    header.path = name ? name : "";
    if (auto problem = member_path_problem(header.path))
        reject("member '{}': {}", escape_name(header.path), *problem);
    if (header.path.size() > 1 && header.path.back() == '/')
        header.path.pop_back();
    if (archive_entry_hardlink(entry) != nullptr)
        reject("member '{}': hard links are not allowed", escape_name(header.path));
    auto type = archive_entry_filetype(entry);
    if (type != AE_IFREG && type != AE_IFDIR)
        reject("member '{}': {} members are not allowed", escape_name(header.path),
               type_name(type));
    if (archive_entry_sparse_count(entry) > 0)
        reject("member '{}': sparse members are not allowed", escape_name(header.path));
    header.is_directory = type == AE_IFDIR;
    header.mode = archive_entry_perm(entry);
    header.uid = static_cast<unsigned>(archive_entry_uid(entry));
    header.gid = static_cast<unsigned>(archive_entry_gid(entry));
    header.mtime = archive_entry_mtime(entry);
    header.size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
    return true;
}

void Reader::read_manifest(const KnownManifest& known, const MemberFilter& keep) {
    Member header;
    if (!next_entry(header))
        reject("empty archive: no MANIFEST.json");
    if (header.path != manifest_member)
        reject("first member is '{}', expected MANIFEST.json", escape_name(header.path));
    if (header.is_directory || static_cast<std::uint64_t>(header.size) > limits_.max_manifest_bytes)
        reject("MANIFEST.json: not a file of at most {} bytes", limits_.max_manifest_bytes);
    // Parsed as it is decompressed, never held whole: 80 MB of text on a
    // pmxcfs-maximum archive.
    auto size = static_cast<std::uint64_t>(header.size);
    std::uint64_t got = 0;
    Sha256 digest;
    auto pull = [&](char* out, std::size_t capacity) -> std::size_t {
        if (got == size)
            return 0;
        la_ssize_t n =
            archive_read_data(tar_.get(), out, std::min<std::uint64_t>(capacity, size - got));
        if (n < 0)
            fail_tar(std::string(manifest_member));
        if (n == 0)
            reject("member '{}': truncated ({} of {} bytes)", manifest_member, got, size);
        got += static_cast<std::uint64_t>(n);
        digest.update({out, static_cast<std::size_t>(n)});
        return static_cast<std::size_t>(n);
    };
    if (known.manifest != nullptr && keep)
        fail("archive reader: a member filter is for a first read, not with a known manifest");
    if (known.manifest != nullptr) {
        while (pull(buffer_for_data_.data(), buffer_for_data_.size()) > 0) {
        }
        manifest_digest_ = Sha256Digest(digest.finish());
        if (manifest_digest_ != known.json_digest)
            reject("MANIFEST.json: differs from the one read before (the archive changed while "
                   "it was being read)");
        manifest_ = known.manifest;
        partial_ = known.partial.has_value();
        listed_ = known.partial ? *known.partial
                                : ListedTotals{known.manifest->members.size(),
                                               known.manifest->total_member_bytes()};
    } else {
        MemberFilter counting;
        if (keep)
            counting = [&](const Member& member) {
                ++listed_.members;
                listed_.bytes = saturating_add(listed_.bytes, member.size);
                return keep(member);
            };
        try {
            own_manifest_ = parse_manifest(TextSource(pull), size, counting);
        } catch (const Rejected&) {
            throw;
        } catch (const Error& e) {
            throw Rejected(e.what());
        }
        manifest_digest_ = Sha256Digest(digest.finish());
        partial_ = static_cast<bool>(keep);
        if (!keep)
            listed_ = {own_manifest_.members.size(), own_manifest_.total_member_bytes()};
    }
    auto bound = static_cast<std::uint64_t>(listed_.bytes) + size +
                 per_member_overhead * (listed_.members + 1) + stream_overhead;
    decompressor_.set_max_output(std::min(bound, limits_.max_total_bytes));
}

Manifest Reader::take_manifest() {
    manifest_taken_ = true;
    if (manifest_ != &own_manifest_)
        return *manifest_;
    return std::move(own_manifest_);
}

void Reader::stream_member(const Member& expected, MemberHandler& handler) {
    if (!handler.wants(expected)) {
        if (archive_read_data_skip(tar_.get()) != ARCHIVE_OK)
            fail_tar("member '" + escape_name(expected.path) + "'");
        return;
    }
    handler.begin(expected);
    if (expected.is_directory) {
        handler.end(expected);
        return;
    }
    Sha256 digest;
    std::uint64_t got = 0;
    for (;;) {
        la_ssize_t n =
            archive_read_data(tar_.get(), buffer_for_data_.data(), buffer_for_data_.size());
        if (n < 0)
            fail_tar("member '" + escape_name(expected.path) + "'");
        if (n == 0)
            break;
        std::string_view chunk(buffer_for_data_.data(), static_cast<std::size_t>(n));
        digest.update(chunk);
        handler.data(chunk);
        got += static_cast<std::uint64_t>(n);
    }
    if (got != static_cast<std::uint64_t>(expected.size))
        reject("member '{}': truncated ({} of {} bytes)", escape_name(expected.path), got,
               expected.size);
    if (Sha256Digest(digest.finish()) != expected.sha256)
        reject("member '{}': SHA-256 differs from MANIFEST.json (content altered or corrupt)",
               escape_name(expected.path));
    handler.end(expected);
}

namespace {

// The manifest's members sorted by path, for lookups by the names the tar
// stream brings: two hash maps of them were 25 MB on a pmxcfs-maximum
// archive, this is 2 MB.
std::vector<const Member*> sorted_by_path(const Manifest& manifest) {
    std::vector<const Member*> sorted;
    sorted.reserve(manifest.members.size());
    for (const auto& member : manifest.members)
        sorted.push_back(&member);
    std::sort(sorted.begin(), sorted.end(),
              [](const Member* a, const Member* b) { return a->path < b->path; });
    auto twice =
        std::adjacent_find(sorted.begin(), sorted.end(),
                           [](const Member* a, const Member* b) { return a->path == b->path; });
    if (twice != sorted.end())
        reject("MANIFEST.json: '{}' is listed twice", escape_name((*twice)->path));
    return sorted;
}

} // namespace

void Reader::read_members(MemberHandler& handler) {
    if (manifest_taken_)
        fail("archive reader: members read after the manifest was taken");
    const auto& members = manifest_->members;
    auto sorted = sorted_by_path(*manifest_);
    std::vector<bool> seen(members.size());
    // Members come in manifest order, which is sorted within db/, pve/ and
    // host/: the entry after the last one found is nearly always the next.
    std::size_t next = 0;
    auto find = [&](const std::string& path) -> const Member* {
        auto it = next < sorted.size() && sorted[next]->path == path
                      ? sorted.begin() + static_cast<std::ptrdiff_t>(next)
                      : std::lower_bound(sorted.begin(), sorted.end(), path,
                                         [](const Member* member, const std::string& key) {
                                             return member->path < key;
                                         });
        if (it == sorted.end() || (*it)->path != path)
            return nullptr;
        next = static_cast<std::size_t>(it - sorted.begin()) + 1;
        return *it;
    };
    Member header;
    while (next_entry(header)) {
        const Member* found = find(header.path);
        if (found == nullptr && partial_) {
            if (archive_read_data_skip(tar_.get()) != ARCHIVE_OK)
                fail_tar("member '" + escape_name(header.path) + "'");
            continue;
        }
        if (found == nullptr)
            reject("member '{}': not listed in MANIFEST.json", escape_name(header.path));
        const Member& want = *found;
        auto index = static_cast<std::size_t>(found - members.data());
        if (seen[index])
            reject("member '{}': appears twice in the archive", escape_name(header.path));
        seen[index] = true;
        if (header.is_directory != want.is_directory)
            reject("member '{}': type differs from MANIFEST.json", escape_name(header.path));
        if (!header.is_directory && header.size != want.size)
            reject("member '{}': size {} differs from MANIFEST.json ({})", escape_name(header.path),
                   header.size, want.size);
        if (header.mode != want.mode || header.uid != want.uid || header.gid != want.gid ||
            header.mtime != want.mtime)
            reject("member '{}': mode, owner or mtime differs from MANIFEST.json",
                   escape_name(header.path));
        stream_member(want, handler);
    }
    for (std::size_t i = 0; i < members.size(); ++i)
        if (!seen[i])
            reject("member '{}': listed in MANIFEST.json but missing from the archive",
                   escape_name(members[i].path));
    drain_to_end_of_stream();
}

// libarchive stops at the tar trailer; the rest of the zstd stream (the end
// of the trailer, the frame checksum, anything appended) must still be read,
// or damage there would go unnoticed.
void Reader::drain_to_end_of_stream() {
    // libarchive may report the end of the tar even though a read it made
    // past the trailer failed: that failure is still a finding.
    if (source_error_)
        std::rethrow_exception(source_error_);
    while (auto n = decompressor_.read(buffer_)) {
        for (std::size_t i = 0; i < n; ++i)
            if (buffer_[i] != 0)
                reject("data after the end of the tar archive");
    }
}

} // namespace pmxsnap::archive
