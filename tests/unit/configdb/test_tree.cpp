#include "scratch.hpp"

#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/configdb/writer.hpp"

#include <catch2/catch.hpp>

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
