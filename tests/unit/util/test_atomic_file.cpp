#include "catch.hpp"
#include "scratch.hpp"

#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <sys/stat.h>

using namespace pmxsnap;

namespace {
std::size_t count_entries(const fs::path& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}
} // namespace

TEST_CASE("AtomicFile publishes complete content with the requested mode") {
    test::Scratch scratch;
    auto target = scratch / "archive";
    {
        AtomicFile file(target, 0600);
        file.write("hello");
        CHECK_FALSE(fs::exists(target));
        file.commit();
    }
    CHECK(read_file(target) == "hello");
    struct stat st {};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(count_entries(scratch.path()) == 1);
}

TEST_CASE("AtomicFile destroyed without commit leaves nothing and keeps the old file") {
    test::Scratch scratch;
    auto target = scratch / "archive";
    {
        AtomicFile first(target, 0600);
        first.write("old");
        first.commit();
    }
    {
        AtomicFile second(target, 0600);
        second.write("half-written");
    }
    CHECK(read_file(target) == "old");
    CHECK(count_entries(scratch.path()) == 1);
}

TEST_CASE("AtomicFile in a missing directory fails naming the directory") {
    test::Scratch scratch;
    REQUIRE_THROWS_WITH(AtomicFile(scratch / "missing" / "file", 0600),
                        Catch::Matchers::ContainsSubstring("missing") &&
                            Catch::Matchers::ContainsSubstring("temporary file"));
}
