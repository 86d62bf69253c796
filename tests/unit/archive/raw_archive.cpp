#include "raw_archive.hpp"

#include "pmxsnap/archive/zstd_stream.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace pmxsnap::test {

archive::Member member_for(const RawEntry& entry) {
    archive::Member member;
    member.path = entry.path;
    member.is_directory = entry.type == 'd';
    member.mode = entry.mode;
    member.uid = entry.uid;
    member.gid = entry.gid;
    member.mtime = entry.mtime;
    if (!member.is_directory) {
        member.size = static_cast<std::int64_t>(entry.data.size());
        member.sha256 = sha256_of(entry.data);
    }
    return member;
}

static la_ssize_t append(struct archive*, void* client, const void* buffer, size_t length) {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

std::string raw_tar(const std::vector<RawEntry>& entries) {
    std::string out;
    struct archive* tar = archive_write_new();
    archive_write_set_format_pax_restricted(tar);
    archive_write_open2(tar, &out, nullptr, append, nullptr, nullptr);
    for (const auto& e : entries) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.c_str());
        mode_t type = AE_IFREG;
        switch (e.type) {
        case 'd':
            type = AE_IFDIR;
            break;
        case 'l':
            type = AE_IFLNK;
            break;
        case 'c':
            type = AE_IFCHR;
            break;
        case 'p':
            type = AE_IFIFO;
            break;
        default:
            break;
        }
        archive_entry_set_filetype(entry, type);
        if (e.type == 'l')
            archive_entry_set_symlink(entry, e.link_target.c_str());
        if (e.type == 'h')
            archive_entry_set_hardlink(entry, e.link_target.c_str());
        archive_entry_set_perm(entry, e.mode);
        archive_entry_set_uid(entry, e.uid);
        archive_entry_set_gid(entry, e.gid);
        archive_entry_set_mtime(entry, e.mtime, 0);
        auto size =
            e.declared_size >= 0 ? e.declared_size : static_cast<std::int64_t>(e.data.size());
        archive_entry_set_size(entry, e.type == 'f' ? size : 0);
        if (archive_write_header(tar, entry) != ARCHIVE_OK)
            throw std::runtime_error(archive_error_string(tar));
        if (e.type == 'f' && !e.data.empty())
            archive_write_data(tar, e.data.data(), e.data.size());
        archive_entry_free(entry);
    }
    archive_write_close(tar);
    archive_write_free(tar);
    return out;
}

std::string zstd_compress(const std::string& bytes) {
    std::string out;
    archive::ZstdCompressor compressor(
        [&](std::span<const std::uint8_t> chunk) {
            out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
        },
        archive::CompressionOptions{3, 20, 1});
    compressor.write({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    compressor.finish();
    return out;
}

std::string raw_archive(const std::vector<RawEntry>& entries) {
    return zstd_compress(raw_tar(entries));
}

archive::Manifest sample_manifest() {
    archive::Manifest m;
    m.tool = "pmxsnap test";
    m.captured_at = "2026-11-25T10:00:00Z";
    m.cluster = "demo";
    m.node = "pve1";
    m.db.copy_method = "private-copy";
    m.state = std::string(64, '0');
    return m;
}

std::vector<RawEntry> with_manifest(const std::vector<RawEntry>& entries,
                                    archive::Manifest manifest) {
    if (manifest.tool.empty())
        manifest = sample_manifest();
    for (const auto& e : entries)
        manifest.members.push_back(member_for(e));
    RawEntry head{"MANIFEST.json", 'f', archive::serialize_manifest(manifest)};
    head.mode = 0600;
    head.gid = 0;
    std::vector<RawEntry> all{head};
    all.insert(all.end(), entries.begin(), entries.end());
    return all;
}

archive::ZstdDecompressor::ByteSource source_of(const std::string& bytes) {
    auto offset = std::make_shared<std::size_t>(0);
    return [&bytes, offset](std::span<std::uint8_t> out) {
        auto n = std::min(out.size(), bytes.size() - *offset);
        std::memcpy(out.data(), bytes.data() + *offset, n);
        *offset += n;
        return n;
    };
}

} // namespace pmxsnap::test
