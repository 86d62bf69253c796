// RawArchive: writes tar+zstd archives with anything in them — absolute
// paths, links, devices, lying sizes — to build the hostile inputs the safe
// reader must reject. Test-only: pmxsnap's own writer cannot make these.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/zstd_stream.hpp"

#include <map>
#include <string>
#include <vector>

namespace pmxsnap::test {

struct RawEntry {
    RawEntry(std::string p, char t = 'f', std::string d = {})
        : path(std::move(p))
        , type(t)
        , data(std::move(d)) {}
    std::string path;
    char type = 'f'; // f file, d dir, l symlink, h hardlink, c char device, p fifo
    std::string data;
    std::string link_target;
    unsigned mode = 0640;
    unsigned uid = 0, gid = 33;
    std::int64_t mtime = 1000;
    std::int64_t declared_size = -1; // header size when >= 0 (data is then padded/cut)
};

// A member as pmxsnap would list it in a manifest, for the entry.
archive::Member member_for(const RawEntry& entry);

// tar (pax) bytes, uncompressed.
std::string raw_tar(const std::vector<RawEntry>& entries);
// zstd-compressed tar.
std::string raw_archive(const std::vector<RawEntry>& entries);
std::string zstd_compress(const std::string& bytes);

// A well-formed archive: MANIFEST.json listing exactly the entries.
std::vector<RawEntry> with_manifest(const std::vector<RawEntry>& entries,
                                    archive::Manifest manifest = {});
archive::Manifest sample_manifest();

// Keeps every file a reader hands it, by member path.
struct Collect : archive::MemberHandler {
    std::map<std::string, std::string> files;
    std::string current;
    void begin(const archive::Member&) override { current.clear(); }
    void data(std::string_view chunk) override { current.append(chunk); }
    void end(const archive::Member& m) override { files[m.path] = current; }
};

// A reader's byte source over bytes, which must outlive it.
archive::ZstdDecompressor::ByteSource source_of(const std::string& bytes);

} // namespace pmxsnap::test
