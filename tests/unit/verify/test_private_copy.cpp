#include "catch.hpp"

#include "pmxsnap/trust/private_copy.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fstream>
#include <string>

using namespace pmxsnap;
using namespace pmxsnap::trust;

namespace {

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("the private copy keeps the <cluster>/<node>/<file> names and the bytes of its time") {
    TempDir repo;
    fs::create_directories(repo / "c1" / "pve1");
    auto archive = repo / "c1" / "pve1" / "a.pmxsnap";
    write_text(archive, "checked");
    write_text(archive.string() + ".minisig", "signature");
    PrivateCopy copy(archive);
    CHECK(copy.path() != archive);
    CHECK(copy.path().filename() == "a.pmxsnap");
    CHECK(copy.path().parent_path().filename() == "pve1");
    CHECK(copy.path().parent_path().parent_path().filename() == "c1");
    write_text(archive, "rewritten");
    CHECK(read_text(copy.path()) == "checked");
    CHECK(read_text(copy.path().string() + ".minisig") == "signature");
    CHECK(copy.original() == archive);
}

TEST_CASE("what is said of the copy is said of the archive as given") {
    TempDir repo;
    fs::create_directories(repo / "c1" / "pve1");
    auto archive = repo / "c1" / "pve1" / "a.pmxsnap";
    write_text(archive, "x");
    PrivateCopy copy(archive);
    auto copy_name = copy.path().string();
    CHECK(copy.as_original(copy_name + ": truncated") == archive.string() + ": truncated");
    CHECK(copy.as_original("(no " + copy_name + ".minisig)") ==
          "(no " + archive.string() + ".minisig)");
    CHECK(copy.as_original("unrelated text") == "unrelated text");

    SECTION("read() rethrows of the same kind, naming the archive") {
        auto rejected = [&](const fs::path& path) -> int {
            archive::reject("{}: member db/config.db: digest differs", path.string());
        };
        CHECK_THROWS_MATCHES(
            copy.read(rejected), archive::Rejected,
            Catch::Matchers::Message(archive.string() + ": member db/config.db: digest differs"));
        auto failed = [&](const fs::path& path) -> int { fail("{}: short read", path.string()); };
        CHECK_THROWS_MATCHES(copy.read(failed), Error,
                             Catch::Matchers::Message(archive.string() + ": short read"));
        CHECK(copy.read([](const fs::path& path) { return path.filename().string(); }) ==
              "a.pmxsnap");
    }
}

TEST_CASE("a path that is not a regular file is passed through, its messages untouched") {
    // A bare name's directory is "": replacing it would have rewritten
    // every message (and never ended).
    PrivateCopy missing("no-such-archive.pmxsnap");
    CHECK(missing.path() == "no-such-archive.pmxsnap");
    CHECK(missing.as_original("no-such-archive.pmxsnap: No such file or directory") ==
          "no-such-archive.pmxsnap: No such file or directory");
    TempDir dir;
    PrivateCopy directory(dir.path());
    CHECK(directory.path() == dir.path());
    CHECK(directory.as_original(dir.path().string() + ": a directory") ==
          dir.path().string() + ": a directory");
}
