// ZSTD_getFrameHeader, to read the window a frame declares.
#define ZSTD_STATIC_LINKING_ONLY
#include "catch.hpp"
#include "process.hpp"
#include "raw_archive.hpp"
#include "scratch.hpp"

#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/archive/writer.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <zstd.h>

#include <clocale>
#include <map>

using namespace pmxsnap;

namespace {

struct Built {
    std::string bytes;
    std::map<std::string, std::string> data;
};

Built build(const std::vector<std::pair<std::string, std::string>>& files,
            const archive::CompressionOptions& options = {}) {
    archive::Manifest m = test::sample_manifest();
    Built built;
    for (const auto& [path, data] : files) {
        m.members.push_back(test::member_for({path, 'f', data}));
        built.data[path] = data;
    }
    auto manifest = archive::serialize_manifest(m);
    archive::Writer writer(
        [&](std::span<const std::uint8_t> b) {
            built.bytes.append(reinterpret_cast<const char*>(b.data()), b.size());
        },
        options);
    archive::Member head;
    head.path = "MANIFEST.json";
    head.mode = 0600;
    head.size = static_cast<std::int64_t>(manifest.size());
    writer.add_file(head, manifest);
    for (const auto& member : m.members)
        writer.add_file(member, built.data[member.path]);
    writer.finish();
    return built;
}

} // namespace

std::map<std::string, std::string> read_back(const std::string& bytes) {
    archive::Reader reader(test::source_of(bytes));
    test::Collect collect;
    reader.read_members(collect);
    return collect.files;
}

std::uint64_t frame_window(const std::string& bytes) {
    ZSTD_frameHeader header{};
    REQUIRE(ZSTD_getFrameHeader(&header, bytes.data(), bytes.size()) == 0);
    return header.windowSize;
}

TEST_CASE(
    "what the writer writes, the reader reads back, and identical input gives identical bytes") {
    std::vector<std::pair<std::string, std::string>> files = {
        {"db/config.db", std::string(100000, 'x')},
        {"pve/storage.cfg", "dir: local\n\tpath /var/lib/vz\n"},
        {"pve/nodes/pve1/qemu-server/100.conf", "memory: 2048\n"},
        {"host/etc/hostname", "pve1\n"}};
    auto first = build(files);
    auto second = build(files);
    CHECK(first.bytes == second.bytes);

    archive::Reader reader(test::source_of(first.bytes));
    test::Collect collect;
    reader.read_members(collect);
    CHECK(collect.files == first.data);
    CHECK(reader.manifest().cluster == "demo");
}

TEST_CASE("the write window is capped at 2^25, and archives with the old 2^27 window read") {
    CHECK(archive::window_log_for(0) == 20);
    CHECK(archive::window_log_for(3 << 20) == 22);
    CHECK(archive::window_log_for(1ULL << 25) == 25);
    CHECK(archive::window_log_for(1ULL << 33) == 25);
    // A db beyond the window's reach: the smaller window.
    CHECK(archive::window_log_for(1ULL << 28, 20ULL << 20) == 25);
    CHECK(archive::window_log_for(1ULL << 28, 40ULL << 20) == 22);
    CHECK(archive::window_log_for(3 << 20, 40ULL << 20) == 22);
    CHECK(archive::window_log_for(1 << 20, 40ULL << 20) == 20);
    // Long matching only while the db is within reach.
    CHECK(archive::compression_for(1ULL << 28, 20ULL << 20).long_distance);
    CHECK_FALSE(archive::compression_for(1ULL << 28, 40ULL << 20).long_distance);
    CHECK(archive::compression_for(1ULL << 28, 40ULL << 20).window_log == 22);

    std::vector<std::pair<std::string, std::string>> files = {
        {"db/config.db", std::string(200000, 'y')}, {"pve/storage.cfg", "dir: local\n"}};
    auto written = build(files, {3, archive::window_log_for(1ULL << 33), 2});
    CHECK(frame_window(written.bytes) <= (1ULL << 25));
    CHECK(read_back(written.bytes) == written.data);

    // A frame declaring 2^27 (what snapshot wrote for dbs over 64 MiB before).
    auto old = build(files, {3, 27, 2});
    CHECK(read_back(old.bytes) == old.data);
}

TEST_CASE("archives are readable with stock zstd and tar") {
    if (!test::have_program("zstd") || !test::have_program("tar")) {
        WARN("zstd or tar not installed: skipped");
        return;
    }
    test::Scratch scratch;
    auto built = build({{"pve/storage.cfg", "dir: local\n"}, {"host/etc/hosts", "127.0.0.1\n"}});
    auto path = scratch / "a.pmxsnap";
    {
        AtomicFile file(path, 0600);
        file.write(built.bytes);
        file.commit();
    }
    auto listing = test::run({"sh", "-c", "zstd -dc '" + path.string() + "' | tar -t"});
    CHECK(listing.exit_code == 0);
    CHECK(listing.out == "MANIFEST.json\npve/storage.cfg\nhost/etc/hosts\n");
}

TEST_CASE("non-ASCII, non-UTF-8 and long names read back under the C locale") {
    // What cron and systemd units run with; libarchive used to fail every
    // non-ASCII name there ("can't be converted from UTF-8"). The two
    // spellings of "café" are different names to pmxcfs and stay so.
    REQUIRE(std::string(std::setlocale(LC_CTYPE, nullptr)) == "C");
    std::vector<std::pair<std::string, std::string>> files = {
        {"pve/firewall/нотатки.fw", "[OPTIONS]\nenable: 1\n"},
        {"pve/cafe\xcc\x81.cfg", "NFD: e and a combining accent\n"},
        {"pve/caf\xc3\xa9.cfg", "NFC: one precomposed letter\n"},
        {"pve/" + std::string(180, 'n') + "/note.txt", "long path\n"},
        {"pve/user.cfg", "user:root@pam:1:0:::\n"},
        // Not UTF-8 at all: pmxcfs names are bytes, and the archive keeps them.
        {"pve/nodes/pve1/qemu-server/99\xff.conf", "name: latin1-byte\n"},
        {"pve/99\\xff.conf", "a backslash, not an escape\n"},
        {"pve/" + std::string(150, 'l') + "/\xe9t\xe9-" + std::string(100, 'x'), "long\n"}};
    auto built = build(files);
    CHECK(read_back(built.bytes) == built.data);
    for (const char* locale : {"C.UTF-8", "C"}) {
        INFO(locale);
        REQUIRE(std::setlocale(LC_CTYPE, locale) != nullptr);
        CHECK(read_back(built.bytes) == built.data);
    }
}

TEST_CASE("a second pass reuses the manifest read first and refuses one that differs") {
    std::vector<std::pair<std::string, std::string>> files = {
        {"pve/storage.cfg", "dir: local\n"}, {"pve/user.cfg", "user:root@pam:1:0:::\n"}};
    auto first = build(files);
    files[1].second = "user:root@pam:0:0:::\n";
    auto changed = build(files);

    archive::Reader pass_one(test::source_of(first.bytes));
    auto digest = pass_one.manifest_digest();
    auto manifest = pass_one.take_manifest();
    REQUIRE(manifest.members.size() == 2);
    CHECK_THROWS_WITH(
        [&] {
            test::Collect ignored;
            pass_one.read_members(ignored);
        }(),
        Catch::Matchers::ContainsSubstring("after the manifest was taken"));

    archive::Reader again(test::source_of(first.bytes), {}, {&manifest, digest, std::nullopt});
    CHECK(&again.manifest() == &manifest);
    test::Collect collect;
    again.read_members(collect);
    CHECK(collect.files == first.data);

    // Same paths and sizes, other bytes: the digest of MANIFEST.json tells.
    CHECK_THROWS_AS(
        archive::Reader(test::source_of(changed.bytes), {}, {&manifest, digest, std::nullopt}),
        archive::Rejected);
    CHECK_THROWS_WITH(
        archive::Reader(test::source_of(changed.bytes), {}, {&manifest, digest, std::nullopt}),
        Catch::Matchers::ContainsSubstring("MANIFEST.json: differs from the one read before"));
}

TEST_CASE("the manifest digest is the SHA-256 of MANIFEST.json's bytes") {
    auto built = build({{"pve/storage.cfg", "dir: local\n"}});
    archive::Reader reader(test::source_of(built.bytes));
    auto manifest = reader.take_manifest();
    CHECK(reader.manifest_digest() == sha256_of(archive::serialize_manifest(manifest)));
}
