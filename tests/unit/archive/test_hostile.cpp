// Every hostile archive is rejected with its own message, without a crash,
// without writing anything and without memory growing with what it claims.
#include "catch.hpp"
#include "raw_archive.hpp"

#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/archive/writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <nlohmann/json.hpp>

using namespace pmxsnap;
using namespace pmxsnap::test;

namespace {

// Reads the whole archive; returns the rejection message, or "" if accepted.
std::string rejection(const std::string& bytes, archive::ReaderLimits limits = {}) {
    try {
        archive::Reader reader(source_of(bytes), limits);
        archive::MemberHandler ignore;
        reader.read_members(ignore);
        return "";
    } catch (const archive::Rejected& e) {
        return e.what();
    }
}

RawEntry file(std::string path, std::string data) {
    return {std::move(path), 'f', std::move(data)};
}

} // namespace

TEST_CASE("a well-formed raw archive is accepted (the baseline for every hostile case)") {
    CHECK(rejection(raw_archive(with_manifest({file("pve/storage.cfg", "dir: local\n")}))) == "");
}

TEST_CASE("hostile members are rejected, each with its own message") {
    struct Case {
        const char* name;
        std::vector<RawEntry> entries;
        const char* expected;
    };
    RawEntry symlink{"pve/evil", 'l'};
    symlink.link_target = "/etc/shadow";
    RawEntry hardlink{"pve/evil", 'h'};
    hardlink.link_target = "/etc/shadow";
    RawEntry device{"pve/sda", 'c'};
    RawEntry fifo{"pve/pipe", 'p'};
    auto good = file("pve/storage.cfg", "dir: local\n");

    std::vector<Case> cases = {
        {"path traversal", with_manifest({file("pve/../../etc/passwd", "x")}), "'..' component"},
        {"absolute path", with_manifest({file("/etc/passwd", "x")}), "absolute path"},
        {"outside the known folders", with_manifest({file("etc/passwd", "x")}),
         "not under MANIFEST.json"},
        {"symlink escape", with_manifest({symlink}), "symbolic link members are not allowed"},
        {"hardlink escape", with_manifest({hardlink}), "hard links are not allowed"},
        {"device node", with_manifest({device}), "character device members are not allowed"},
        {"fifo", with_manifest({fifo}), "FIFO members are not allowed"},
        {"extra member",
         [&] {
             auto entries = with_manifest({good});
             entries.push_back(file("pve/extra.cfg", "x"));
             return entries;
         }(),
         "not listed in MANIFEST.json"},
        {"duplicate member",
         [&] {
             auto entries = with_manifest({good});
             entries.push_back(good);
             return entries;
         }(),
         "appears twice"},
        {"missing member",
         [&] {
             auto entries = with_manifest({good, file("pve/user.cfg", "user:root@pam\n")});
             entries.pop_back();
             return entries;
         }(),
         "missing from the archive"},
        {"wrong size",
         [&] {
             auto entries = with_manifest({good});
             entries.back().data += "more";
             return entries;
         }(),
         "differs from MANIFEST.json"},
        {"wrong digest",
         [&] {
             auto entries = with_manifest({good});
             entries.back().data[0] = 'D';
             return entries;
         }(),
         "SHA-256 differs"},
        {"manifest not first",
         [&] {
             auto entries = with_manifest({good});
             std::swap(entries[0], entries[1]);
             return entries;
         }(),
         "expected MANIFEST.json"},
        {"no manifest at all", std::vector<RawEntry>{good}, "expected MANIFEST.json"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.name) {
            auto message = rejection(raw_archive(c.entries));
            CHECK_THAT(message, Catch::Matchers::ContainsSubstring(c.expected));
        }
    }
}

TEST_CASE("malformed and foreign manifests are rejected") {
    SECTION("another format version") {
        auto m = sample_manifest();
        m.format = 2;
        CHECK_THAT(rejection(raw_archive(with_manifest({}, m))),
                   Catch::Matchers::ContainsSubstring("format version 2 is not supported") &&
                       Catch::Matchers::ContainsSubstring("reads version 1"));
    }
    SECTION("not JSON") {
        RawEntry head{"MANIFEST.json", 'f', "{not json"};
        CHECK_THAT(rejection(raw_archive({head})),
                   Catch::Matchers::ContainsSubstring("not valid JSON"));
    }
    SECTION("a field of the wrong type") {
        RawEntry head{"MANIFEST.json", 'f', R"({"format":1,"tool":3})"};
        CHECK_THAT(rejection(raw_archive({head})),
                   Catch::Matchers::ContainsSubstring("tool: expected a string"));
    }
}

TEST_CASE("broken streams are rejected") {
    auto good = raw_archive(with_manifest({file("pve/storage.cfg", std::string(5000, 'a'))}));
    SECTION("empty file") {
        CHECK_THAT(rejection(""), Catch::Matchers::ContainsSubstring("no MANIFEST.json"));
    }
    SECTION("random bytes") {
        std::string noise(4096, '\0');
        for (std::size_t i = 0; i < noise.size(); ++i)
            noise[i] = static_cast<char>((i * 2654435761u) >> 13);
        CHECK_THAT(rejection(noise), Catch::Matchers::ContainsSubstring("corrupt zstd stream"));
    }
    SECTION("truncated zstd stream") {
        CHECK_THAT(rejection(good.substr(0, good.size() - 10)),
                   Catch::Matchers::ContainsSubstring("truncated"));
    }
    SECTION("truncated tar inside a complete zstd stream") {
        auto tar = raw_tar(with_manifest({file("pve/storage.cfg", std::string(5000, 'a'))}));
        CHECK_FALSE(rejection(zstd_compress(tar.substr(0, 1500))).empty());
    }
    SECTION("MANIFEST.json cut short inside a complete zstd stream") {
        // The manifest is parsed as it streams: a cut in its middle must be
        // a rejection naming it, not a parse of what arrived.
        auto tar = raw_tar(with_manifest({file("pve/storage.cfg", "x")}));
        auto pax_and_header = tar.find("{\n");
        REQUIRE(pax_and_header != std::string::npos);
        CHECK_THAT(rejection(zstd_compress(tar.substr(0, pax_and_header + 40))),
                   Catch::Matchers::ContainsSubstring("MANIFEST.json"));
    }
}

// The member really is 2 GiB when decompressed (consistent manifest and
// header): only the decompression bound stops it. Built by streaming zeros,
// so the test itself stays small in memory.
TEST_CASE("a 2 GiB member is stopped by the decompression bound without memory growth") {
    constexpr std::int64_t size = 2LL << 30;
    archive::Manifest m = sample_manifest();
    archive::Member big;
    big.path = "pve/big.cfg";
    big.mode = 0640;
    big.gid = 33;
    big.mtime = 1000;
    big.size = size;
    big.sha256 = *Sha256Digest::from_hex(std::string(64, 'a'));
    m.members.push_back(big);
    auto manifest = archive::serialize_manifest(m);

    std::string compressed;
    archive::ZstdCompressor zstd(
        [&](std::span<const std::uint8_t> b) {
            compressed.append(reinterpret_cast<const char*>(b.data()), b.size());
        },
        archive::CompressionOptions{1, 20, 1});
    struct archive* tar = archive_write_new();
    archive_write_set_format_pax_restricted(tar);
    archive_write_open2(
        tar, &zstd, nullptr,
        [](struct archive*, void* z, const void* buffer, size_t length) -> la_ssize_t {
            static_cast<archive::ZstdCompressor*>(z)->write(
                {static_cast<const std::uint8_t*>(buffer), length});
            return static_cast<la_ssize_t>(length);
        },
        nullptr, nullptr);
    auto header = [&](const char* path, std::int64_t bytes) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, path);
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, std::string(path) == "MANIFEST.json" ? 0600 : 0640);
        archive_entry_set_gid(entry, std::string(path) == "MANIFEST.json" ? 0 : 33);
        archive_entry_set_mtime(entry, 1000, 0);
        archive_entry_set_size(entry, bytes);
        archive_write_header(tar, entry);
        archive_entry_free(entry);
    };
    header("MANIFEST.json", static_cast<std::int64_t>(manifest.size()));
    archive_write_data(tar, manifest.data(), manifest.size());
    header("pve/big.cfg", size);
    std::string zeros(1 << 20, '\0');
    for (std::int64_t written = 0; written < size; written += zeros.size())
        archive_write_data(tar, zeros.data(), zeros.size());
    archive_write_close(tar);
    archive_write_free(tar);
    zstd.finish();
    REQUIRE(compressed.size() < (16 << 20));

    struct rusage before {};
    getrusage(RUSAGE_SELF, &before);
    CHECK_THAT(rejection(compressed),
               Catch::Matchers::ContainsSubstring("decompresses to more than"));
    struct rusage after {};
    getrusage(RUSAGE_SELF, &after);
    // Peak RSS may not grow by anything near the member's size.
    CHECK(after.ru_maxrss - before.ru_maxrss < 64 * 1024);
}

// The zstd stream is read to its end (frame checksum included) even though
// tar stops at its trailer: bytes appended to the file are caught. (Bytes
// inside the stream after the tar trailer are ignored by every tar reader;
// only the signature, over the whole file, covers those.)
TEST_CASE("bytes appended after the zstd frame are rejected") {
    auto archive = raw_archive(with_manifest({file("pve/storage.cfg", "dir: local\n")}));
    CHECK(rejection(archive).empty());
    CHECK_FALSE(rejection(archive + "garbage appended to the file").empty());
    CHECK_FALSE(rejection(archive + archive).empty());
}

// Members are looked up by name, not expected in the manifest's order: the
// reader's shortcut for the usual order must not decide anything.
TEST_CASE("members in another order than the manifest's are read; a missing one is named") {
    std::vector<RawEntry> entries;
    for (int i = 0; i < 12; ++i)
        entries.push_back(file(fmt::format("pve/f{:02}.cfg", i), fmt::format("data {}\n", i)));
    auto listed = with_manifest(entries);
    auto shuffled = listed;
    std::reverse(shuffled.begin() + 1, shuffled.end());
    std::swap(shuffled[3], shuffled[7]);
    CHECK(rejection(raw_archive(shuffled)) == "");

    auto missing = shuffled[5].path;
    shuffled.erase(shuffled.begin() + 5);
    CHECK(
        rejection(raw_archive(shuffled)) ==
        fmt::format("member '{}': listed in MANIFEST.json but missing from the archive", missing));
}

// libarchive's writer refuses such a name under the C locale ("Can't
// translate pathname"); pmxsnap's own writer declares it as bytes.
std::string written_archive(const std::string& manifest_text, const archive::Member& member,
                            std::string_view data) {
    std::string bytes;
    archive::Writer writer(
        [&](std::span<const std::uint8_t> b) {
            bytes.append(reinterpret_cast<const char*>(b.data()), b.size());
        },
        archive::CompressionOptions{});
    archive::Member head;
    head.path = "MANIFEST.json";
    head.mode = 0600;
    head.size = static_cast<std::int64_t>(manifest_text.size());
    writer.add_file(head, manifest_text);
    writer.add_file(member, data);
    writer.finish();
    return bytes;
}

TEST_CASE("a member named with bytes that are not UTF-8 matches only its path_hex entry") {
    auto member = member_for(file("pve/99\xff.conf", "x\n"));
    auto m = sample_manifest();
    m.members.push_back(member);
    auto text = archive::serialize_manifest(m);
    CHECK(rejection(written_archive(text, member, "x\n")) == "");
    // The manifest lists the name by its escaped text alone (as a writer
    // that dropped path_hex would): the member in the tar is not that
    // name, and the message quotes it escaped, never its raw byte.
    auto manifest = nlohmann::ordered_json::parse(text);
    manifest["members"][0].erase("path_hex");
    REQUIRE(manifest["members"][0]["path"] == "pve/99\\xff.conf");
    CHECK(rejection(written_archive(manifest.dump(1), member, "x\n")) ==
          "member 'pve/99\\xff.conf': not listed in MANIFEST.json");
    // path_hex naming another name than the tar member's.
    manifest["members"][0]["path"] = "pve/98\\xff.conf";
    manifest["members"][0]["path_hex"] = "7076652f3938ff2e636f6e66";
    CHECK(rejection(written_archive(manifest.dump(1), member, "x\n")) ==
          "member 'pve/99\\xff.conf': not listed in MANIFEST.json");
}
