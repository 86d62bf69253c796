#include "catch.hpp"
#include "kept_members.hpp"

#include "pmxsnap/util/temp_dir.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

using namespace pmxsnap;
using namespace pmxsnap::restore;

namespace {

archive::Member member(std::string path, bool directory = false) {
    archive::Member m;
    m.path = std::move(path);
    m.is_directory = directory;
    return m;
}

// Feeds members as the reader does; a member without end() is one whose
// digest did not match.
void feed(KeptMembers& kept, const archive::Member& m, const std::vector<std::string>& chunks,
          bool ends = true) {
    if (!kept.wants(m))
        return;
    kept.begin(m);
    for (const auto& chunk : chunks)
        kept.data(chunk);
    if (ends)
        kept.end(m);
}

class Collect : public archive::MemberHandler {
  public:
    bool wants(const archive::Member& m) override { return m.path != "host/etc/skip"; }
    void begin(const archive::Member& m) override { seen.push_back(m.path + "="); }
    void data(std::string_view chunk) override { seen.back().append(chunk); }
    std::vector<std::string> seen;
};

} // namespace

TEST_CASE("kept members replay in archive order, only the wanted and completed ones") {
    KeptMembers kept([](const archive::Member& m) { return m.path != "pve/not-wanted"; });
    feed(kept, member("db/config.db"), {"SQLite", " format 3"});
    feed(kept, member("pve/not-wanted"), {"x"});
    feed(kept, member("host/etc", true), {});
    feed(kept, member("host/etc/hosts"), {"127.0.0.1 localhost\n"});
    feed(kept, member("host/etc/skip"), {"y"});
    feed(kept, member("host/etc/torn"), {"half"}, false);
    Collect collect;
    kept.replay(collect);
    CHECK(collect.seen == std::vector<std::string>{"db/config.db=SQLite format 3", "host/etc=",
                                                   "host/etc/hosts=127.0.0.1 localhost\n"});
    Collect again; // a second reader gets the same
    kept.replay(again);
    CHECK(again.seen == collect.seen);
}

// TMPDIR set to a directory of the test's own, so the one scratch
// directory found there is the kept members'.
TEST_CASE("kept members live in a private directory that goes with them") {
    TempDir tmp;
    const char* old = std::getenv("TMPDIR");
    std::string saved = old ? old : "";
    ::setenv("TMPDIR", tmp.path().c_str(), 1);
    fs::path directory;
    {
        KeptMembers kept([](const archive::Member&) { return true; });
        feed(kept, member("pve/priv/authkey.key"), {"secret"});
        std::vector<fs::path> made(fs::directory_iterator(tmp.path()), fs::directory_iterator());
        REQUIRE(made.size() == 1);
        directory = made.front();
        struct stat st {};
        REQUIRE(::stat(directory.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
        REQUIRE(::stat((directory / "0").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
    if (old)
        ::setenv("TMPDIR", saved.c_str(), 1);
    else
        ::unsetenv("TMPDIR");
    CHECK(!fs::exists(directory));
    CHECK(fs::is_empty(tmp.path()));
}
