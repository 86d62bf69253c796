#include "catch.hpp"
#include "scratch.hpp"

#include "pmxsnap/host/host.hpp"
#include "pmxsnap/host/processes.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <unistd.h>

#include <cstdlib>

using namespace pmxsnap;

namespace {} // namespace

TEST_CASE("host paths resolve under --root") {
    test::Scratch scratch;
    host::Host host(scratch.path());
    CHECK(host.resolve("/etc/hostname") == scratch / "etc/hostname");
    CHECK(host::Host("/").resolve("/etc/hostname") == "/etc/hostname");
    CHECK_FALSE(host.facts("/etc/hostname"));
    CHECK_THROWS_WITH(host::Host(scratch / "missing"),
                      Catch::Matchers::ContainsSubstring("not a directory"));
}

TEST_CASE("the node name is the first label of /etc/hostname") {
    test::Scratch scratch;
    host::Host host(scratch.path());
    CHECK_THROWS_WITH(host.node_name(), Catch::Matchers::ContainsSubstring("etc/hostname") &&
                                            Catch::Matchers::ContainsSubstring("missing"));
    test::put_file(scratch / "etc/hostname", "pve1.example.invalid\n", 0644);
    CHECK(host.node_name() == "pve1");
    test::put_file(scratch / "etc/hostname", "\n");
    CHECK_THROWS_WITH(host.node_name(), Catch::Matchers::ContainsSubstring("empty"));
}

TEST_CASE("SOURCE_DATE_EPOCH pins the clock, and a bad value is an error") {
    host::Host host("/");
    ::setenv("SOURCE_DATE_EPOCH", "1764000000", 1);
    CHECK(host.clock_is_pinned());
    CHECK(host.now() == 1764000000);
    ::setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    CHECK_THROWS_WITH(host.now(),
                      Catch::Matchers::ContainsSubstring("SOURCE_DATE_EPOCH=yesterday"));
    ::unsetenv("SOURCE_DATE_EPOCH");
    CHECK_FALSE(host.clock_is_pinned());
    CHECK(host.now() > 1700000000);
}

TEST_CASE("a process's state and thread count from /proc/PID/status") {
    auto status = host::parse_proc_status("Name:\tcorosync\nState:\tT (stopped)\nTgid:\t811\n"
                                          "Threads:\t9\nVmRSS:\t  1 kB\n");
    CHECK(status.state == "T (stopped)");
    CHECK(status.threads == 9);
    auto mine = host::process_status(::getpid());
    REQUIRE(mine);
    CHECK(mine->state.starts_with("R"));
    CHECK(mine->threads >= 1);
    CHECK(host::in_this_network_namespace(::getpid()));
    CHECK_FALSE(host::in_this_network_namespace(999999999));
}
