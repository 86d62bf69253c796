#include "catch.hpp"
#include "db_writer.hpp"
#include "scratch.hpp"

#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>

using namespace pmxsnap;
using namespace pmxsnap::configdb;

namespace {

std::string digest_or_missing(const fs::path& path) {
    auto content = read_file_if_exists(path, 1ULL << 30);
    return content ? sha256_hex(*content) : "missing";
}

std::map<std::string, std::string> digests(const fs::path& db) {
    return {{"db", digest_or_missing(db)},
            {"wal", digest_or_missing(db.string() + "-wal")},
            {"shm", digest_or_missing(db.string() + "-shm")}};
}

// A db whose last `tail` changes live only in config.db-wal, as a stopped or
// crashed pmxcfs leaves it.
void make_db_with_wal_tail(const fs::path& path, int tail) {
    auto writer = Writer::create(path);
    writer.write_file("storage.cfg", "dir: local\n\tpath /var/lib/vz\n", 1000);
    writer.write_file("nodes/pve1/qemu-server/100.conf", "memory: 2048\n", 1001);
    writer.checkpoint();
    for (int i = 0; i < tail; ++i)
        writer.write_file("nodes/pve1/qemu-server/" + std::to_string(200 + i) + ".conf",
                          "memory: 4096\n", 2000 + i);
    writer.close_keeping_wal();
}

std::map<std::string, std::int64_t> paths_of(const fs::path& db_path) {
    auto db = Database::open_readonly(db_path);
    auto tree = Tree::load(db);
    std::map<std::string, std::int64_t> out;
    for (const auto& entry : tree.paths())
        out[std::string(entry.path)] = entry.entry->inode;
    return out;
}

// Holds a connection to the db in another process, as a running pmxcfs does.
class Holder {
  public:
    explicit Holder(const fs::path& db) {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        pid_ = ::fork();
        if (pid_ == 0) {
            auto database = Database::open_readonly(db);
            database.integrity_problems(); // touches the db: connection fully open
            char byte = 1;
            (void)!::write(ready[1], &byte, 1);
            ::pause();
            ::_exit(0);
        }
        char byte;
        REQUIRE(::read(ready[0], &byte, 1) == 1);
        ::close(ready[0]);
        ::close(ready[1]);
    }
    ~Holder() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }

  private:
    pid_t pid_;
};

} // namespace

TEST_CASE("rows only in config.db-wal are captured and no live file changes") {
    test::Scratch scratch;
    auto live = scratch / "config.db";
    make_db_with_wal_tail(live, 3);
    REQUIRE(fs::file_size(live.string() + "-wal") > 0);
    auto before = digests(live);

    // The db file alone lacks the tail: proof that the fixture is what it claims.
    fs::create_directory(scratch / "alone");
    fs::copy_file(live, scratch / "alone" / "config.db");
    CHECK_FALSE(
        paths_of(scratch / "alone" / "config.db").contains("nodes/pve1/qemu-server/202.conf"));

    auto report = copy_consistent(live, scratch / "copy.db");
    CHECK(report.method == CopyMethod::private_copy);
    CHECK(report.had_wal);
    auto captured = paths_of(scratch / "copy.db");
    CHECK(captured.contains("nodes/pve1/qemu-server/200.conf"));
    CHECK(captured.contains("nodes/pve1/qemu-server/202.conf"));
    CHECK_FALSE(fs::exists(scratch / "copy.db-wal"));
    CHECK_FALSE(fs::exists(scratch / "copy.db-shm"));
    // Bytes 18 and 19 are the file format's write/read versions: 2 is WAL.
    auto header = read_file(scratch / "copy.db").substr(0, 20);
    CHECK(header[18] == 1);
    CHECK(header[19] == 1);
    CHECK(digests(live) == before);
}

TEST_CASE("a torn tail in config.db-wal is left out and the committed rows kept") {
    test::Scratch scratch;
    auto live = scratch / "config.db";
    make_db_with_wal_tail(live, 3);
    // What a crash mid-append leaves: part of a frame after the last commit.
    auto wal = live.string() + "-wal";
    auto torn = read_file(wal) + std::string(1000, '\x5a');
    {
        std::ofstream out(wal, std::ios::binary | std::ios::app);
        out << std::string(1000, '\x5a');
    }
    auto report = copy_consistent(live, scratch / "copy.db");
    CHECK(report.method == CopyMethod::private_copy);
    auto captured = paths_of(scratch / "copy.db");
    CHECK(captured.contains("nodes/pve1/qemu-server/202.conf"));
    CHECK(Database::open_readonly(scratch / "copy.db").integrity_problems().empty());
    CHECK(read_file(wal) == torn);
}

TEST_CASE("a db held by another process is read in one transaction, db and wal untouched") {
    test::Scratch scratch;
    auto live = scratch / "config.db";
    make_db_with_wal_tail(live, 2);
    Holder holder(live);
    REQUIRE(is_held_by_another_process(live));
    auto before = digests(live);
    auto report = copy_consistent(live, scratch / "copy.db");
    CHECK(report.method == CopyMethod::read_transaction);
    CHECK(paths_of(scratch / "copy.db").contains("nodes/pve1/qemu-server/201.conf"));
    auto after = digests(live);
    CHECK(after.at("db") == before.at("db"));
    CHECK(after.at("wal") == before.at("wal"));
    CHECK(after.at("shm") == before.at("shm"));
}

TEST_CASE("copies of the same state are byte-identical") {
    test::Scratch scratch;
    auto live = scratch / "config.db";
    make_db_with_wal_tail(live, 2);
    copy_consistent(live, scratch / "a.db");
    copy_consistent(live, scratch / "b.db");
    CHECK(read_file(scratch / "a.db") == read_file(scratch / "b.db"));
}

TEST_CASE("bad input gives an error naming the file") {
    test::Scratch scratch;
    SECTION("missing db") {
        CHECK_THROWS_WITH(copy_consistent(scratch / "none.db", scratch / "copy.db"),
                          Catch::Matchers::ContainsSubstring("none.db") &&
                              Catch::Matchers::ContainsSubstring("no such file"));
    }
    SECTION("not SQLite") {
        auto path = scratch / "config.db";
        {
            AtomicFile file(path, 0600);
            file.write(std::string(200, 'x'));
            file.commit();
        }
        CHECK_THROWS_WITH(copy_consistent(path, scratch / "copy.db"),
                          Catch::Matchers::ContainsSubstring("config.db") &&
                              Catch::Matchers::ContainsSubstring("not an SQLite database"));
    }
    SECTION("SQLite without the tree table") {
        auto path = scratch / "config.db";
        {
            SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE other (x INTEGER)");
        }
        copy_consistent(path, scratch / "copy.db");
        CHECK_THROWS_WITH(Database::open_readonly(scratch / "copy.db", path.string()),
                          Catch::Matchers::ContainsSubstring(path.string()) &&
                              Catch::Matchers::ContainsSubstring("no table 'tree'"));
    }
    SECTION("empty file") {
        auto path = scratch / "config.db";
        {
            AtomicFile file(path, 0600);
            file.commit();
        }
        CHECK_THROWS_WITH(copy_consistent(path, scratch / "copy.db"),
                          Catch::Matchers::ContainsSubstring("not an SQLite database"));
    }
}
