// pmxsnap writes its own tar headers; libarchive reads them. These hold the
// writer to libarchive: byte for byte where ustar suffices, and read back
// field for field where a pax header is needed.
#include "catch.hpp"

#include "pmxsnap/archive/tar_header.hpp"
#include "pmxsnap/archive/writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <zstd.h>

#include <memory>
#include <vector>

using namespace pmxsnap;

namespace {

archive::Member member(std::string path, bool directory, std::int64_t size = 0, unsigned uid = 0,
                       unsigned gid = 33, std::int64_t mtime = 1760000000) {
    archive::Member m;
    m.path = std::move(path);
    m.is_directory = directory;
    m.mode = directory ? 0755 : 0640;
    m.uid = uid;
    m.gid = gid;
    m.size = directory ? 0 : size;
    m.mtime = mtime;
    return m;
}

std::string data_for(const archive::Member& m) {
    std::string data(static_cast<std::size_t>(m.size), '\0');
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>('a' + (i * 7 + m.path.size()) % 26);
    return data;
}

std::string decompress(const std::string& frame) {
    std::string out;
    std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
    ZSTD_inBuffer in{frame.data(), frame.size(), 0};
    std::vector<char> buffer(1 << 16);
    while (in.pos < in.size) {
        ZSTD_outBuffer chunk{buffer.data(), buffer.size(), 0};
        REQUIRE_FALSE(ZSTD_isError(ZSTD_decompressStream(context.get(), &chunk, &in)));
        out.append(buffer.data(), chunk.pos);
    }
    return out;
}

std::string ours(const std::vector<archive::Member>& members) {
    std::string compressed;
    archive::Writer writer(
        [&](std::span<const std::uint8_t> bytes) {
            compressed.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        },
        archive::CompressionOptions{1, 20, 1});
    for (const auto& m : members)
        if (m.is_directory)
            writer.add_directory(m);
        else
            writer.add_file(m, data_for(m));
    writer.finish();
    return decompress(compressed);
}

la_ssize_t append(struct archive*, void* client, const void* buffer, size_t length) {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

// What pmxsnap's writer produced when it was libarchive's pax_restricted.
std::string libarchives(const std::vector<archive::Member>& members) {
    std::string out;
    struct archive* tar = archive_write_new();
    archive_write_set_format_pax_restricted(tar);
    archive_write_add_filter_none(tar);
    archive_write_open2(tar, &out, nullptr, append, nullptr, nullptr);
    for (const auto& m : members) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, m.path.c_str());
        archive_entry_set_filetype(entry, m.is_directory ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(entry, m.mode);
        archive_entry_set_uid(entry, m.uid);
        archive_entry_set_gid(entry, m.gid);
        for (auto [id, set] : {std::pair{m.uid, &archive_entry_set_uname},
                               std::pair{m.gid, &archive_entry_set_gname}})
            if (id == 0 || id == 33)
                set(entry, id == 0 ? "root" : "www-data");
        archive_entry_set_mtime(entry, m.mtime, 0);
        archive_entry_set_size(entry, m.size);
        REQUIRE(archive_write_header(tar, entry) == ARCHIVE_OK);
        auto data = data_for(m);
        if (!data.empty())
            archive_write_data(tar, data.data(), data.size());
        archive_entry_free(entry);
    }
    archive_write_close(tar);
    archive_write_free(tar);
    return out;
}

struct ReadBack {
    std::string path, uname, gname, data;
    unsigned mode, uid, gid;
    std::int64_t size, mtime;
    bool directory;
};

std::vector<ReadBack> read_back(const std::string& tar_bytes) {
    std::vector<ReadBack> entries;
    struct archive* tar = archive_read_new();
    archive_read_support_format_tar(tar);
    REQUIRE(archive_read_open_memory(tar, tar_bytes.data(), tar_bytes.size()) == ARCHIVE_OK);
    archive_entry* entry = nullptr;
    // ARCHIVE_OK, not ARCHIVE_WARN: names declared as bytes need no
    // conversion to the test's C locale.
    int rc;
    while ((rc = archive_read_next_header(tar, &entry)) == ARCHIVE_OK) {
        ReadBack r;
        r.path = archive_entry_pathname(entry);
        r.uname = archive_entry_uname(entry) ? archive_entry_uname(entry) : "";
        r.gname = archive_entry_gname(entry) ? archive_entry_gname(entry) : "";
        r.mode = archive_entry_perm(entry);
        r.uid = static_cast<unsigned>(archive_entry_uid(entry));
        r.gid = static_cast<unsigned>(archive_entry_gid(entry));
        r.size = archive_entry_size(entry);
        r.mtime = archive_entry_mtime(entry);
        r.directory = archive_entry_filetype(entry) == AE_IFDIR;
        std::vector<char> buffer(4096);
        la_ssize_t got;
        while ((got = archive_read_data(tar, buffer.data(), buffer.size())) > 0)
            r.data.append(buffer.data(), static_cast<std::size_t>(got));
        entries.push_back(r);
    }
    CHECK(rc == ARCHIVE_EOF);
    archive_read_free(tar);
    return entries;
}

} // namespace

TEST_CASE("tar headers are libarchive's bytes wherever ustar holds the member") {
    std::string component_99(99, 'n');
    std::vector<archive::Member> members = {
        member("MANIFEST.json", false, 1234, 0, 0),
        member("db", true),
        member("db/config.db", false, 4096 * 3, 0, 0),
        member("pve", true),
        member("pve/empty.cfg", false, 0),
        member("pve/nodes/pve1/qemu-server/100.conf", false, 511),
        member("pve/nodes/pve1/qemu-server/101.conf", false, 513),
        member("pve/" + std::string(96, 'x'), false, 10),             // exactly 100 bytes
        member("pve/" + std::string(95, 'y'), true),                  // 100 with its '/'
        member("pve/" + component_99 + "/" + component_99, false, 3), // prefix + name
        member("host/etc/hosts", false, 200, 1000, 1000, 0),
        member("host/etc/late", false, 1, 0, 0, 0x7ffffffe), // the last time ustar holds
    };
    auto expected = libarchives(members);
    auto written = ours(members);
    REQUIRE(written.size() == expected.size());
    CHECK(written.size() % archive::tar_record_size == 0);
    CHECK(written == expected);
}

TEST_CASE("members ustar cannot hold get a pax header that libarchive reads back") {
    std::vector<archive::Member> members = {
        member("pve/" + std::string(150, 'l') + ".conf", false, 20), // one long component
        member("pve/" + std::string(120, 'd'), true),                // long directory
        member("pve/nodes/вузол-1/lxc/200.conf", false, 5),          // UTF-8
        member("pve/" + std::string(200, 'p') + "/" + std::string(120, 'q'), false, 7),
        member("host/etc/big-ids", false, 3, 4000000, 3000000), // > 6 octal digits
        member("host/etc/before-1970", false, 2, 0, 0, -86400),
        member("host/etc/2038", false, 2, 0, 0, 0x7fffffff),
        member("host/etc/far-future", false, 2, 0, 0, 0100000000000), // 12 octal digits
    };
    auto written = ours(members);
    CHECK(written.size() % archive::tar_record_size == 0);
    auto entries = read_back(written);
    REQUIRE(entries.size() == members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
        const auto& m = members[i];
        const auto& r = entries[i];
        INFO(m.path);
        CHECK(r.path == m.path + (m.is_directory ? "/" : ""));
        CHECK(r.directory == m.is_directory);
        CHECK(r.mode == m.mode);
        CHECK(r.uid == m.uid);
        CHECK(r.gid == m.gid);
        CHECK(r.mtime == m.mtime);
        CHECK(r.size == m.size);
        CHECK(r.data == data_for(m));
    }
    CHECK(entries[0].uname == "root");
    CHECK(entries[0].gname == "www-data");
}

TEST_CASE("the writer refuses members out of order with their data") {
    archive::Writer writer([](std::span<const std::uint8_t>) {}, archive::CompressionOptions{});
    auto file = member("pve/a", false, 10);
    CHECK_THROWS_WITH(writer.write_data("x"),
                      Catch::Matchers::ContainsSubstring("data outside a member"));
    CHECK_THROWS_WITH(writer.end_file(), Catch::Matchers::ContainsSubstring("not begun"));
    writer.begin_file(file);
    writer.write_data("12345");
    CHECK_THROWS_WITH(writer.add_directory(member("pve/b", true)),
                      Catch::Matchers::ContainsSubstring("before the previous member is complete"));
    CHECK_THROWS_WITH(writer.write_data("123456"),
                      Catch::Matchers::ContainsSubstring("more data than"));
    CHECK_THROWS_WITH(writer.end_file(), Catch::Matchers::ContainsSubstring("5 bytes short"));
    CHECK_THROWS_WITH(writer.finish(), Catch::Matchers::ContainsSubstring("5 bytes short"));
    writer.write_data("67890");
    // All its bytes are in, but the member is not ended: its padding is not.
    CHECK_THROWS_WITH(writer.begin_file(member("pve/c", false, 1)),
                      Catch::Matchers::ContainsSubstring("before the previous member is complete"));
    CHECK_THROWS_WITH(writer.finish(),
                      Catch::Matchers::ContainsSubstring("before the previous member"));
    writer.end_file();
    writer.finish();
    CHECK_THROWS_WITH(writer.add_directory(member("pve/d", true)),
                      Catch::Matchers::ContainsSubstring("after the end of the archive"));
    CHECK_THROWS_WITH(writer.write_data("x"),
                      Catch::Matchers::ContainsSubstring("data outside a member"));
}
