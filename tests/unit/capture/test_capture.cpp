#include "catch.hpp"
#include "db_writer.hpp"
#include "fixture.hpp"
#include "scratch.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/state_digest.hpp"
#include "pmxsnap/capture/capture.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

using namespace pmxsnap;

namespace {

fs::path fixture_root(test::Scratch& scratch, int guests) {
    auto root = scratch / "root";
    fixture::Spec spec;
    spec.guests = guests;
    fixture::generate(root, spec);
    return root;
}

fs::path db_of(const fs::path& root) {
    return root / "var/lib/pve-cluster/config.db";
}

// A generated root with what capture treats apart: private paths, a TEXT
// value, an empty file and an empty directory.
fs::path generated_root(test::Scratch& scratch) {
    auto root = fixture_root(scratch, 30);
    auto db_path = db_of(root);
    {
        auto writer = configdb::Writer::open(db_path);
        writer.write_file("priv/authkey.key", "-----BEGIN PRIVATE KEY-----\n", 1760000100);
        writer.write_file("nodes/pve1/priv/token.cfg", "secret\n", 1760000101);
        writer.write_file("notes/accent.cfg", "caf\xc3\xa9\n", 1760000102);
        writer.write_file("notes/empty.cfg", "", 1760000103);
        writer.make_directory("notes/empty-dir", 1760000104);
    }
    // pmxcfs writes blobs; a TEXT value's length() counts characters, not
    // the bytes an archive holds.
    SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE tree SET data = CAST(data AS TEXT) WHERE name = 'accent.cfg'");
    return root;
}

const archive::Member& member_at(const archive::Manifest& manifest, std::string_view path) {
    const auto* found = manifest.find(path);
    REQUIRE(found);
    return *found;
}

} // namespace

TEST_CASE("capture lists every pve/ entry as the db holds it, in path order") {
    test::Scratch scratch;
    auto root = generated_root(scratch);
    auto c = capture::capture(host::Host(root), {});
    auto full = c.full_manifest();

    CHECK(full.members.size() == c.member_count());
    CHECK(full.total_member_bytes() == c.total_member_bytes());
    CHECK(archive::state_digest(full) == c.header.state);
    REQUIRE(full.members.size() > 100);
    CHECK(full.members[0].path == "db");
    CHECK(full.members[1].path == archive::db_member);
    CHECK(full.members[2].path == "pve");
    auto first_host = std::find_if(full.members.begin(), full.members.end(),
                                   [](const auto& m) { return m.path == "host"; });
    auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
    auto unsorted = std::is_sorted_until(full.members.begin() + 3, first_host, by_path);
    CHECK(unsorted == first_host);
    if (unsorted != first_host)
        FAIL_CHECK((unsorted - 1)->path << " before " << unsorted->path);
    CHECK(first_host != full.members.end());

    // Every file's size and digest are its bytes' in the db, whichever half
    // of the split scan read it.
    std::size_t files = 0;
    for (const auto& member : full.members) {
        if (!member.path.starts_with(archive::pve_prefix) || member.is_directory)
            continue;
        REQUIRE(member.pmxcfs);
        auto data = c.db->read_data(member.pmxcfs->inode);
        CHECK(member.size == static_cast<std::int64_t>(data.size()));
        CHECK(member.sha256 == sha256_of(data));
        CHECK(c.file_data(member.path) == data);
        ++files;
    }
    CHECK(files > 60);

    const auto& accent = member_at(full, "pve/notes/accent.cfg");
    CHECK(accent.size == 6);
    CHECK(accent.sha256 == sha256_of("caf\xc3\xa9\n"));
    const auto& empty = member_at(full, "pve/notes/empty.cfg");
    CHECK(empty.size == 0);
    CHECK(empty.sha256 == sha256_of(""));
    const auto& directory = member_at(full, "pve/notes/empty-dir");
    CHECK(directory.is_directory);
    CHECK(directory.sha256.empty());
    CHECK(directory.mode == 0755);
    CHECK(member_at(full, "pve/priv").mode == 0700);
    CHECK(member_at(full, "pve/priv/authkey.key").mode == 0600);
    CHECK(member_at(full, "pve/nodes/pve1/priv/token.cfg").mode == 0600);
    CHECK(member_at(full, "pve/storage.cfg").mode == 0640);
    CHECK(member_at(full, "pve/storage.cfg").gid == 33);
    // A key outside priv/ is what pmxcfs serves it as, root:www-data 0640
    // (cfs-utils.c's path_is_private): pinned here too, for where the tests
    // with the real pmxcfs are skipped.
    const auto& ssl_key = member_at(full, "pve/nodes/pve1/pve-ssl.key");
    CHECK(ssl_key.mode == 0640);
    CHECK(ssl_key.uid == 0);
    CHECK(ssl_key.gid == 33);
    CHECK(member_at(full, "pve/nodes/pve1/priv").mode == 0700);
    CHECK(c.header.authkeys.pve == sha256_hex("-----BEGIN PRIVATE KEY-----\n"));
}

TEST_CASE("a capture's member lookups answer only for what it holds") {
    test::Scratch scratch;
    auto root = generated_root(scratch);
    auto c = capture::capture(host::Host(root), {});
    CHECK(c.file_data("pve/notes/empty-dir") == std::nullopt);
    CHECK(c.file_data("pve/notes/missing.cfg") == std::nullopt);
    CHECK(c.file_data("pve/notes") == std::nullopt);
    CHECK(c.file_data("pve/") == std::nullopt);
    CHECK(c.file_data("pve") == std::nullopt);
    CHECK(c.file_data("notes/accent.cfg") == std::nullopt);
    CHECK(c.file_data("host/etc/hosts") == c.host_data.at("host/etc/hosts"));
    CHECK(c.pve.find("pve/storage.cfg"));
    CHECK_FALSE(c.pve.find("pve/storage.cfg.bak"));
    CHECK_FALSE(c.pve.find("host/etc/hosts"));
}

TEST_CASE("a directory where pve's authkey belongs has no digest to record") {
    test::Scratch scratch;
    auto root = fixture_root(scratch, 2);
    {
        auto writer = configdb::Writer::open(db_of(root));
        writer.remove("priv/authkey.key", 1760000100);
        writer.make_directory("priv/authkey.key", 1760000101);
    }
    auto c = capture::capture(host::Host(root), {});
    CHECK_FALSE(c.header.authkeys.pve);
    auto full = c.full_manifest();
    CHECK(member_at(full, "pve/priv/authkey.key").is_directory);
}
