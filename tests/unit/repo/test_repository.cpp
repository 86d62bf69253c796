#include "catch.hpp"
#include "scratch.hpp"

#include "pmxsnap/repo/node_lock.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace pmxsnap;
using namespace pmxsnap::repo;

namespace {

void put_snapshot(const fs::path& dir, const std::string& stamp, std::int64_t db_version) {
    auto archive = dir / archive_file_name(stamp, false);
    test::put_file(archive, "archive bytes");
    TrustedComment comment{dir.parent_path().filename(),
                           dir.filename(),
                           db_version,
                           1,
                           std::string(64, 'f'),
                           "x",
                           archive.filename(),
                           {},
                           {},
                           {},
                           {}};
    test::put_file(signature_path_for(archive),
                   "untrusted comment: x\nAAAA\ntrusted comment: " + comment.format() + "\nAAAA\n");
}

} // namespace

TEST_CASE("the repository lists snapshots per node, oldest first, from their signatures") {
    test::Scratch scratch;
    Repository repository(scratch / "repo");
    auto pve1 = repository.ensure_node_directory("demo", "pve1");
    struct stat st {};
    REQUIRE(::stat(pve1.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    put_snapshot(pve1, "20261125T030000Z", 10);
    put_snapshot(pve1, "20261124T030000Z", 9);
    put_snapshot(repository.ensure_node_directory("demo", "pve2"), "20261125T040000Z", 11);
    test::put_file(pve1 / "notes.txt", "not an archive");

    auto all = repository.list();
    REQUIRE(all.size() == 3);
    CHECK(all[0].stamp == "20261124T030000Z");
    CHECK(all[1].stamp == "20261125T030000Z");
    CHECK(all[2].node == "pve2");
    REQUIRE(all[1].comment);
    CHECK(all[1].comment->db_version == 10);
    CHECK(repository.list("demo", "pve2").size() == 1);
    CHECK(repository.list("other").empty());
    CHECK(repository.newest("demo", "pve1")->stamp == "20261125T030000Z");
    CHECK_FALSE(repository.newest("demo", "pve9"));
    CHECK_THROWS_WITH(Repository(scratch / "none").list(),
                      Catch::Matchers::ContainsSubstring("repository not found"));

    repository.ensure_node_directory("demo", "pve3"); // no snapshot yet
    auto directories = repository.node_directories("demo");
    REQUIRE(directories.size() == 3);
    CHECK(directories[0].node == "pve1");
    CHECK(directories[0].path == pve1);
    CHECK(directories[2].node == "pve3");
    CHECK(repository.list(directories[0]).size() == 2);
    CHECK(repository.list(directories[2]).empty());
    CHECK(repository.node_directories("demo", "pve2").size() == 1);
    CHECK(repository.node_directories("other").empty());
}

TEST_CASE("leftovers of a killed run are removed, complete snapshots kept") {
    test::Scratch scratch;
    auto dir = scratch / "demo" / "pve1";
    put_snapshot(dir, "20261125T030000Z", 10);
    test::put_file(dir / ".pmxsnap-tmp.20261125T040000Z.pmxsnap.abc123", "half");
    test::put_file(dir / "20261125T050000Z.pmxsnap.minisig",
                   "signature whose archive never landed");
    auto removed = Repository::clean_leftovers(dir);
    CHECK(removed.size() == 2);
    CHECK(fs::exists(dir / "20261125T030000Z.pmxsnap"));
    CHECK(fs::exists(dir / "20261125T030000Z.pmxsnap.minisig"));
    CHECK_FALSE(fs::exists(dir / "20261125T050000Z.pmxsnap.minisig"));
}

TEST_CASE("the node lock excludes another process and gives up after its wait") {
    test::Scratch scratch;
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    pid_t child = ::fork();
    if (child == 0) {
        NodeLock held(scratch.path(), std::chrono::milliseconds(0));
        (void)!::write(ready[1], "x", 1);
        ::sleep(2);
        ::_exit(0);
    }
    char byte;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    CHECK_THROWS_WITH(NodeLock(scratch.path(), std::chrono::milliseconds(200)),
                      Catch::Matchers::ContainsSubstring("still locked"));
    ::waitpid(child, nullptr, 0);
    CHECK_NOTHROW(NodeLock(scratch.path(), std::chrono::milliseconds(200)));
}
