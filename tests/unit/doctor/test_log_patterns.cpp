#include "catch.hpp"
#include "log_patterns.hpp"

using namespace pmxsnap::doctor;

namespace {

std::string explained(const std::string& line) {
    auto matches = match_log(line + "\n", {});
    REQUIRE(matches.size() == 1);
    return matches[0].pattern->explained_by;
}

} // namespace

// What corosync 3.1.7 / 3.1.9 and pmxcfs print when they fail, as the
// issue lists them, each to the check that explains it.
TEST_CASE("the lines corosync and pmxcfs really print map to their checks") {
    CHECK(explained("corosync[811]:   [MAIN  ] No valid name found for local host") ==
          "conf.nodeid-name");
    CHECK(explained("corosync[811]:   [MAIN  ] parse error in config: No multicast port "
                    "specified") == "conf.parse");
    CHECK(explained("corosync[811]:   [CMAP  ] Received config version (3) is different than my "
                    "config version (1)! Exiting") == "runtime.config-version");
    CHECK(explained("corosync[811]:   [TOTEM ] Totem is unable to form a cluster because of an "
                    "operating system or network fault") == "runtime.links");
    CHECK(explained("corosync[811]:   [KNET  ] nsscrypto: Digest does not match") ==
          "auth.authkey");
    CHECK(explained("pmxcfs[900]: [quorum] crit: quorum_initialize failed: 2") == "runtime.cmap");
    CHECK(explained("pmxcfs[900]: [dcdb] crit: cpg_initialize failed: 2") == "runtime.cmap");
    CHECK(explained("corosync[811]:   [TOTEM ] Retransmit List: 1a 1b") == "net.mtu");
    CHECK(explained("corosync[811]:   [MAIN  ] Corosync Cluster Engine exiting with status 8 at "
                    "main.c:1430.") == "conf.parse");
    CHECK(explained("Cannot initialize CMAP service") == "runtime.cmap"); // as pvecm prints it
    CHECK(match_log("corosync[811]:   [MAIN  ] Corosync Cluster Engine started\n", {}).empty());
}

TEST_CASE("newest lines first, every match counted, the peer a line names is named") {
    std::string log;
    for (int i = 0; i < 7; ++i)
        log += "12:00:0" + std::to_string(i) +
               " [KNET  ] link: host: " + std::to_string(2 + i % 2) + " link: 0 is down\n";
    auto matches = match_log(log, {{2, "node2"}, {3, "node3"}});
    REQUIRE(matches.size() == 1);
    CHECK(matches[0].count == 7);
    REQUIRE(matches[0].lines.size() == 5);
    CHECK(matches[0].lines.front().starts_with("12:00:06"));
    CHECK(matches[0].lines.back().starts_with("12:00:02"));
    CHECK(matches[0].peers == std::vector<std::string>{"node2", "node3"});
    auto unnamed = match_log("LINK: HOST: 9 LINK: 1 IS DOWN", {});
    REQUIRE(unnamed.size() == 1);
    CHECK(unnamed[0].peers == std::vector<std::string>{"nodeid 9"});
}
