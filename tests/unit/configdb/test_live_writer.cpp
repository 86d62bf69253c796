// A writer process commits to a WAL-mode db as pmxcfs does (one transaction
// per change, __version__ raised each time, checkpoints now and then) while
// copies are taken: each copy must be one committed state, whole.
#include "catch.hpp"
#include "db_writer.hpp"
#include "process.hpp"
#include "scratch.hpp"

#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/util/file.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace pmxsnap;
using namespace pmxsnap::configdb;

namespace {

// The writer is tests/integration/churn.cpp's pmxsnap-churn: each commit
// writes the same value to two files in one transaction (a torn copy would
// show them different) and logs every committed root version.
pid_t start_writer(const fs::path& db, const fs::path& log, const fs::path& stop) {
    auto churn = test::built_binary("pmxsnap-churn").string();
    pid_t child = ::fork();
    if (child == 0) {
        ::execl(churn.c_str(), churn.c_str(), db.c_str(), log.c_str(), stop.c_str(), nullptr);
        ::_exit(127);
    }
    return child;
}

std::set<std::int64_t> committed_versions(const fs::path& log) {
    std::set<std::int64_t> versions;
    std::istringstream lines(read_file(log));
    std::int64_t version;
    while (lines >> version)
        versions.insert(version);
    return versions;
}

} // namespace

TEST_CASE("50 copies during continuous commits are each one committed, whole state") {
    test::Scratch scratch;
    auto live = scratch / "config.db";
    {
        auto writer = Writer::create(live);
        writer.write_file("storage.cfg", "dir: local\n", 1000);
    }
    pid_t child = start_writer(live, scratch / "log", scratch / "stop");
    REQUIRE(child > 0);
    // Bounded: a writer that never starts fails the test instead of hanging it.
    for (int waited = 0; !fs::exists(scratch / "log") || fs::file_size(scratch / "log") == 0;
         ++waited) {
        REQUIRE(waited < 10000);
        REQUIRE(::waitpid(child, nullptr, WNOHANG) == 0);
        ::usleep(1000);
    }

    struct Copy {
        std::int64_t version;
        std::string a, b;
        std::size_t integrity_problems, violations;
        CopyMethod method;
    };
    std::vector<Copy> copies;
    for (int i = 0; i < 50; ++i) {
        auto path = scratch / ("copy" + std::to_string(i) + ".db");
        auto report = copy_consistent(live, path);
        auto db = Database::open_readonly(path);
        auto tree = Tree::load(db);
        std::string a, b;
        for (const auto& entry : tree.paths()) {
            if (entry.path == "churn-a.cfg")
                a = db.read_data(entry.entry->inode);
            if (entry.path == "nodes/pve1/churn-b.cfg")
                b = db.read_data(entry.entry->inode);
        }
        copies.push_back({tree.root_version()->version, a, b, db.integrity_problems().size(),
                          check_invariants(tree).size(), report.method});
    }
    std::ofstream(scratch / "stop").put('1');
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    auto committed = committed_versions(scratch / "log");
    std::set<std::int64_t> distinct;
    for (const auto& copy : copies) {
        CHECK(copy.method == CopyMethod::read_transaction);
        CHECK(copy.integrity_problems == 0);
        CHECK(copy.violations == 0);
        CHECK(copy.a == copy.b);
        CHECK(committed.contains(copy.version));
        distinct.insert(copy.version);
    }
    // The writer really was writing while we copied.
    CHECK(distinct.size() > 1);
}
