#include "catch.hpp"
#include "scratch.hpp"

#include "pmxsnap/util/interruption.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>

using namespace pmxsnap;

namespace {

// A pid that existed and is gone: a child that exited and was reaped.
pid_t gone_pid() {
    pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

fs::path scratch_named(const fs::path& parent, const std::string& name) {
    fs::create_directory(parent / name);
    test::put_file(parent / name / "config.db", "secret");
    return parent / name;
}

} // namespace

TEST_CASE("TempDir is named for its process and removed with its content") {
    test::Scratch scratch;
    fs::path kept;
    {
        TempDir dir(scratch.path());
        kept = dir.path();
        CHECK(dir.path().filename().string().starts_with("pmxsnap-" + std::to_string(::getpid()) +
                                                         "-"));
        test::put_file(dir / "config.db", "secret");
    }
    CHECK_FALSE(fs::exists(kept));
}

TEST_CASE("The sweep removes only our scratch of processes that are gone") {
    test::Scratch scratch;
    auto dead = scratch_named(scratch.path(), "pmxsnap-" + std::to_string(gone_pid()) + "-abcdef");
    auto alive =
        scratch_named(scratch.path(), "pmxsnap-" + std::to_string(::getppid()) + "-abcdef");
    auto own = scratch_named(scratch.path(), "pmxsnap-" + std::to_string(::getpid()) + "-abcdef");
    auto locked =
        scratch_named(scratch.path(), "pmxsnap-" + std::to_string(gone_pid()) + "-locked");
    auto foreign = {scratch_named(scratch.path(), "pmxsnap.abcdef"),
                    scratch_named(scratch.path(), "pmxsnap-12x-abcdef"),
                    scratch_named(scratch.path(), "pmxsnap-" + std::to_string(gone_pid()) + "-ab"),
                    scratch_named(scratch.path(), "other-1-abcdef")};
    // A live owner the pid cannot show (another pid namespace) holds the lock.
    Fd holder(::open(locked.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(::flock(holder.get(), LOCK_SH) == 0);

    auto removed = TempDir::sweep_stale(scratch.path());
    CHECK(removed == std::vector<fs::path>{dead});
    CHECK_FALSE(fs::exists(dead));
    for (const auto& path : {alive, own, locked})
        CHECK(fs::exists(path / "config.db"));
    for (const auto& path : foreign)
        CHECK(fs::exists(path / "config.db"));
}

TEST_CASE("A signal makes the next interruption point throw, naming it") {
    // In a child: the flag is for the whole process and stays set.
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        install_interruption_handlers();
        interruption_point("nothing yet");
        ::raise(SIGTERM);
        ::raise(SIGINT); // a second one changes nothing
        try {
            interruption_point();
        } catch (const Interrupted& e) {
            ::_exit(e.signal() == SIGTERM && std::string(e.what()) == "interrupted by SIGTERM" ? 0
                                                                                               : 3);
        }
        ::_exit(4);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
