// Reader: the one way pmxsnap reads an archive, and it never trusts it.
// The first member must be MANIFEST.json; every other member must be a
// regular file or directory with a safe name, listed in the manifest once,
// with the manifest's type, mode, owner, mtime, size and SHA-256; nothing in
// the manifest may be missing; the decompressed total is bounded. (A reader
// given a partial manifest, see below, holds only its members to all of that
// and steps over the others.) It streams: memory does not grow with the
// archive. Any violation throws archive::Rejected naming the member; I/O
// errors throw pmxsnap::Error.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/zstd_stream.hpp"

#include <sys/types.h>

#include <exception>
#include <memory>
#include <optional>
#include <string_view>

struct archive;

namespace pmxsnap::archive {

struct ReaderLimits {
    std::uint64_t max_total_bytes = 1ULL << 30;   // decompressed tar stream
    std::uint64_t max_manifest_bytes = 128 << 20; // MANIFEST.json
};

// Receives the members after the manifest. end() is called only once the
// member's size and digest have matched: a handler that extracts writes to a
// temporary file and commits it there.
class MemberHandler {
  public:
    virtual ~MemberHandler() = default;
    // A member not wanted is stepped over: no begin/data/end, no digest (its
    // bytes still pass through zstd, whose frame checksum covers them). Only
    // a reader that uses none of its content may say no.
    virtual bool wants(const Member&) { return true; }
    virtual void begin(const Member&) {}
    virtual void data(std::string_view) {}
    virtual void end(const Member&) {}
};

// How many members MANIFEST.json lists and their total size, kept or not:
// they bound the decompressed stream.
struct ListedTotals {
    std::uint64_t members = 0;
    std::int64_t bytes = 0;
};

// A manifest read from the same archive before, for a second pass over its
// members (diff reads the few changed files after comparing manifests): the
// reader then hashes MANIFEST.json instead of parsing it again, and rejects
// the archive if the bytes differ. On a pmxcfs-maximum archive a second
// parsed copy was 44 MB.
struct KnownManifest {
    const Manifest* manifest = nullptr;
    Sha256Digest json_digest;
    // Set when `manifest` keeps only some of MANIFEST.json's members (it was
    // read with a MemberFilter): what the text lists in all.
    std::optional<ListedTotals> partial;
};

class Reader {
  public:
    // With a filter the manifest keeps only the members it accepts, and so
    // does a partial KnownManifest. A partial manifest vouches only for what
    // it kept: read_members checks those members in full and steps over the
    // others, which get only the checks any tar entry gets (safe name, type,
    // the stream's bound). A reader that must vouch for the whole archive
    // (verify, restore) never filters. A filter with a known manifest is a
    // programming error (pmxsnap::Error).
    Reader(ZstdDecompressor::ByteSource source, const ReaderLimits& limits = {},
           const KnownManifest& known = {}, const MemberFilter& keep = {});
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    const Manifest& manifest() const { return *manifest_; }
    // SHA-256 of MANIFEST.json's bytes, for a later KnownManifest.
    const Sha256Digest& manifest_digest() const { return manifest_digest_; }
    // What MANIFEST.json lists, kept or not.
    const ListedTotals& listed() const { return listed_; }
    // Reads and checks every remaining member; call at most once.
    void read_members(MemberHandler& handler);
    // The manifest, moved out (not copied: tens of MB on a big archive).
    // The reader cannot read members after this.
    Manifest take_manifest();

  private:
    bool next_entry(Member& header);
    void read_manifest(const KnownManifest& known, const MemberFilter& keep);
    void stream_member(const Member& expected, MemberHandler& handler);
    void drain_to_end_of_stream();
    [[noreturn]] void fail_tar(const std::string& what);
    static ssize_t read_callback(::archive*, void* client, const void** buffer);

    struct TarFree {
        void operator()(::archive* tar) const;
    };

    ZstdDecompressor decompressor_;
    ReaderLimits limits_;
    // Owned from the first line of the constructor: a rejection thrown while
    // reading the manifest must not leak it.
    std::unique_ptr<::archive, TarFree> tar_;
    std::vector<std::uint8_t> buffer_;
    std::vector<char> buffer_for_data_ = std::vector<char>(1 << 16);
    std::exception_ptr source_error_;
    Manifest own_manifest_;
    const Manifest* manifest_ = &own_manifest_;
    Sha256Digest manifest_digest_;
    ListedTotals listed_;
    bool partial_ = false;
    bool manifest_taken_ = false;
};

} // namespace pmxsnap::archive
