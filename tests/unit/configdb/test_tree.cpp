#include "catch.hpp"
#include "db_writer.hpp"
#include "scratch.hpp"

#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/tree.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <limits>

using namespace pmxsnap;
using namespace pmxsnap::configdb;

TEST_CASE("the writer follows pmxcfs's versioning and the tree gives sorted paths") {
    test::Scratch scratch;
    auto path = scratch / "config.db";
    {
        auto writer = Writer::create(path, 2);
        writer.write_file("storage.cfg", "dir: local\n", 1000);             // v1
        writer.write_file("nodes/pve1/qemu-server/100.conf", "a\n", 1001);  // v2..v5
        writer.write_file("storage.cfg", "dir: local\n\tshared 0\n", 1002); // v6, same inode
        writer.write_file("empty.cfg", "", 1003);                           // v7, NULL data
    }
    auto db = Database::open_readonly(path);
    auto tree = Tree::load(db);
    REQUIRE(tree.root_version());
    CHECK(tree.root_version()->version == 7);
    CHECK(tree.root_version()->writer == 2);
    CHECK(tree.root_version()->mtime == 1003);
    std::vector<std::string> paths;
    for (const auto& entry : tree.paths())
        paths.emplace_back(entry.path);
    CHECK(paths == std::vector<std::string>{"empty.cfg", "nodes", "nodes/pve1",
                                            "nodes/pve1/qemu-server",
                                            "nodes/pve1/qemu-server/100.conf", "storage.cfg"});
    const auto* storage = tree.paths().back().entry;
    CHECK(storage->inode == 1);   // a rewrite keeps the inode ...
    CHECK(storage->version == 6); // ... and takes a new version
    CHECK(db.read_data(storage->inode) == "dir: local\n\tshared 0\n");
    CHECK(tree.paths().front().entry->size == 0);
    CHECK(db.read_data(tree.paths().front().entry->inode).empty());
}

TEST_CASE("a scan split at any inode reads every row once, in order") {
    test::Scratch scratch;
    auto path = scratch / "config.db";
    {
        auto writer = Writer::create(path, 1);
        for (int i = 0; i < 40; ++i)
            writer.write_file(fmt::format("nodes/pve1/qemu-server/{}.conf", 100 + i),
                              fmt::format("memory: {}\n", i), 1000 + i);
    }
    auto db = Database::open_readonly(path);
    std::vector<std::int64_t> whole;
    db.for_each_row([&](const EntryMeta& row) { whole.push_back(row.inode); });
    REQUIRE(whole.size() > 40);
    for (auto split : {std::numeric_limits<std::int64_t>::min(), std::int64_t{0}, whole[1],
                       whole[whole.size() / 2], whole.back(), whole.back() + 1,
                       std::numeric_limits<std::int64_t>::max()}) {
        std::vector<std::int64_t> joined;
        auto collect = [&](std::int64_t inode, std::string_view) { joined.push_back(inode); };
        db.for_each_data(Database::Side::below, split, collect);
        auto below = joined.size();
        db.for_each_data(Database::Side::from, split, collect);
        CHECK(joined == whole);
        CHECK(std::all_of(joined.begin(), joined.begin() + static_cast<std::ptrdiff_t>(below),
                          [&](std::int64_t inode) { return inode < split; }));
    }
}

TEST_CASE("a tree's path text outlives it, at the offsets its paths had") {
    test::Scratch scratch;
    auto path = scratch / "config.db";
    {
        auto writer = Writer::create(path, 1);
        writer.write_file("storage.cfg", "dir: local\n", 1000);
        writer.write_file("nodes/pve1/lxc/200.conf", "a\n", 1001);
    }
    auto db = Database::open_readonly(path);
    auto tree = Tree::load(db);
    std::vector<std::pair<std::size_t, std::string>> expected;
    for (const auto& entry : tree.paths())
        expected.emplace_back(static_cast<std::size_t>(entry.path.data() - tree.path_text_data()),
                              std::string(entry.path));
    auto text = std::move(tree).release_path_text();
    // Releasing is documented to leave the tree empty, not unspecified.
    CHECK(tree.paths().empty());
    CHECK(tree.rows().empty());
    REQUIRE(expected.size() == 5);
    for (const auto& [offset, name] : expected)
        CHECK(std::string_view(text.data() + offset, name.size()) == name);
}

// Only a table without pmxcfs's primary key can repeat an inode or have
// none; a split scan reads each repeat once, and the inode-less row in
// neither half (the tree reads it as inode 0, which is no member).
TEST_CASE("a split scan of a hand-made table reads repeated inodes and skips a missing one") {
    test::Scratch scratch;
    auto path = scratch / "config.db";
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE tree (inode INTEGER, parent INTEGER, version INTEGER, "
                "writer INTEGER, mtime INTEGER, type INTEGER, name TEXT, data BLOB)");
        db.exec("INSERT INTO tree VALUES (0, 0, 9, 1, 1000, 8, '__version__', NULL), "
                "(5, 0, 5, 1, 1000, 8, 'a.cfg', x'61'), (5, 0, 6, 1, 1000, 8, 'b.cfg', x'62'), "
                "(7, 0, 7, 1, 1000, 8, 'c.cfg', x'63'), (NULL, 0, 8, 1, 1000, 8, 'd.cfg', NULL), "
                "(-3, 0, 3, 1, 1000, 8, 'e.cfg', x'65')");
    }
    auto db = Database::open_readonly(path);
    for (std::int64_t split : {-3, 0, 5, 6, 8}) {
        std::vector<std::int64_t> joined;
        auto collect = [&](std::int64_t inode, std::string_view) { joined.push_back(inode); };
        db.for_each_data(Database::Side::below, split, collect);
        db.for_each_data(Database::Side::from, split, collect);
        CHECK(joined == std::vector<std::int64_t>{-3, 0, 5, 5, 7});
    }
}
