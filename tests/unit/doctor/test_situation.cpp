// The checks whose decisions depend on the running state, on Inputs as
// gather fills them (a LiveView as corosync's libraries give it, the
// interfaces, the peers' port answers): what each state is called and
// which decision it gets. The real cluster runs the same states in
// tests/integration/test_doctor_incidents.sh.
#include "catch.hpp"
#include "checks.hpp"
#include "doctor_fixture.hpp"
#include "report.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace pmxsnap;
using namespace pmxsnap::doctor;
using namespace pmxsnap::doctor::testing;

namespace {

std::string replace(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

} // namespace

TEST_CASE("a node without carrier is cut off: fix its network, never force quorum") {
    auto in = node1();
    in.live = live_view(false, false);
    in.interface_carrier["eth0"] = false;
    auto network = check_network(in);
    auto ring = find(network, "net.ring-addr");
    CHECK(ring.status == Status::fail);
    CHECK_THAT(ring.meaning, Catch::Matchers::StartsWith("this node is cut off: its ring interface "
                                                         "eth0 (ring0_addr 198.18.0.11)"));
    auto links = find(check_membership(in), "runtime.links");
    CHECK(links.status == Status::fail);
    CHECK_THAT(links.meaning,
               Catch::Matchers::ContainsSubstring("no knet link reaches any of its peers "
                                                  "(node2, node3)"));
    auto quorum = find(check_runtime(in), "quorum.state");
    CHECK(quorum.status == Status::fail);
    CHECK_THAT(quorum.decision, Catch::Matchers::ContainsSubstring("fix this node's network"));
    CHECK_THAT(quorum.decision, !Catch::Matchers::ContainsSubstring("pvecm expected"));
}

TEST_CASE("every link down: the peers' port answers tell cut off, stopped and gone apart") {
    auto in = node1();
    in.live = live_view(false, false);
    using Answer = corosync::PortProbe::Answer;
    auto answers = [&in](Answer answer) {
        in.peer_probes = {{"198.18.0.12", 5405, answer, ""}, {"198.18.0.13", 5405, answer, ""}};
    };
    answers(Answer::silent); // corosync runs there, UDP does not pass
    CHECK(find(check_membership(in), "runtime.links").status == Status::fail);
    CHECK_THAT(find(check_runtime(in), "quorum.state").decision,
               Catch::Matchers::ContainsSubstring("fix this node's network") &&
                   !Catch::Matchers::ContainsSubstring("pvecm expected"));
    answers(Answer::refused); // hosts up, corosync stopped there
    auto links = find(check_membership(in), "runtime.links");
    CHECK(links.status == Status::warn);
    CHECK_THAT(links.meaning, Catch::Matchers::ContainsSubstring("corosync is stopped there"));
    CHECK_THAT(find(check_runtime(in), "quorum.state").decision,
               Catch::Matchers::ContainsSubstring("corosync does not run on node2, node3") &&
                   !Catch::Matchers::ContainsSubstring("pvecm expected"));
    answers(Answer::unreachable); // no ARP answer from any peer: the last one alive
    CHECK_THAT(find(check_runtime(in), "quorum.state").decision,
               Catch::Matchers::ContainsSubstring("`pvecm expected 1`") &&
                   Catch::Matchers::ContainsSubstring("consoles"));
    in.peer_probes = {{"198.18.0.12", 5405, Answer::unreachable, ""},
                      {"198.18.0.13", 5405, Answer::refused, ""}}; // one host still there
    CHECK_THAT(find(check_runtime(in), "quorum.state").decision,
               !Catch::Matchers::ContainsSubstring("pvecm expected"));
}

TEST_CASE("an older file than the running config fails, quoting corosync's exit line") {
    auto in = node1(replace(conf_text, "config_version: 4", "config_version: 2"));
    in.live = live_view(true, true);
    auto f = check_config_version(in);
    CHECK(f.status == Status::fail);
    CHECK_THAT(f.meaning,
               Catch::Matchers::ContainsSubstring("\"Received config version (4) is different "
                                                  "than my config version (2)! Exiting\""));
    in = node1(replace(conf_text, "config_version: 4", "config_version: 5"));
    in.live = live_view(true, true);
    CHECK(check_config_version(in).status == Status::warn);
    in = node1();
    in.live = live_view(true, true);
    CHECK(check_config_version(in).status == Status::ok);
}

TEST_CASE("an edited nodelist is pending, not in force: what differs and whether it was raised") {
    auto edited = replace(conf_text, "198.18.0.13", "198.18.0.99");
    auto in = node1(edited);
    in.live = live_view(true, true);
    auto f = check_config_version(in);
    CHECK(f.status == Status::fail);
    CHECK_THAT(f.meaning,
               Catch::Matchers::ContainsSubstring("ring0_addr of nodeid 3: 198.18.0.13 → "
                                                  "198.18.0.99") &&
                   Catch::Matchers::ContainsSubstring("not raised (4)"));
    CHECK_THAT(f.decision, Catch::Matchers::ContainsSubstring("config_version 5"));
    in =
        node1(replace(replace(edited, "config_version: 4", "config_version: 5"),
                      "    name: node3\n    nodeid: 3\n    ring0_addr: 198.18.0.99\n",
                      "    name: node3\n    nodeid: 3\n    ring0_addr: 198.18.0.99\n  }\n  node {\n"
                      "    name: node4\n    nodeid: 4\n    ring0_addr: 198.18.0.14\n"));
    in.live = live_view(true, true);
    f = check_config_version(in);
    CHECK(f.status == Status::warn);
    CHECK_THAT(f.meaning,
               Catch::Matchers::ContainsSubstring("node4 (nodeid 4) added") &&
                   Catch::Matchers::ContainsSubstring("raised from 4 to 5, not reloaded"));
    // This node's own address moved in the file: judged by the running one.
    in = node1(replace(conf_text, "198.18.0.11", "198.18.0.98"));
    in.live = live_view(true, true);
    auto ring = find(check_network(in), "net.ring-addr");
    CHECK(ring.status == Status::warn);
    CHECK_THAT(ring.meaning,
               Catch::Matchers::ContainsSubstring("the file gives ring0_addr 198.18.0.98"));
}

TEST_CASE("hung and stopped get different advice") {
    auto in = node1();
    in.live = corosync::LiveView{};
    in.live->hung = true;
    in.corosync_process = Inputs::Process{4242, host::ProcessStatus{"T (stopped)", 9}};
    auto f = find(check_runtime(in), "runtime.cmap");
    CHECK_THAT(f.meaning, Catch::Matchers::StartsWith("corosync is hung, not stopped"));
    CHECK_THAT(f.decision, Catch::Matchers::StartsWith("it was stopped by a signal") &&
                               Catch::Matchers::ContainsSubstring("kill -CONT 4242"));
    in.corosync_process->status->state = "S (sleeping)";
    CHECK_THAT(find(check_runtime(in), "runtime.cmap").decision,
               Catch::Matchers::ContainsSubstring("/proc/4242/stack") &&
                   Catch::Matchers::ContainsSubstring("systemctl restart corosync"));
    in.live->hung = false;
    in.corosync_process.reset();
    f = find(check_runtime(in), "runtime.cmap");
    CHECK_THAT(f.meaning, Catch::Matchers::StartsWith("corosync is stopped"));
    CHECK_THAT(f.decision, Catch::Matchers::ContainsSubstring("systemctl start corosync"));
}

TEST_CASE("pmxcfs decisions send to corosync and quorum only when they are not ok") {
    auto in = node1();
    CHECK_THAT(find(check_pmxcfs(in, true), "pmxcfs.mount").decision,
               Catch::Matchers::ContainsSubstring("corosync and quorum are ok") &&
                   !Catch::Matchers::ContainsSubstring("first"));
    CHECK_THAT(find(check_pmxcfs(in, false), "pmxcfs.mount").decision,
               Catch::Matchers::ContainsSubstring("fix corosync and quorum first"));
}

TEST_CASE("a report's evidence reads as text and its headline does not repeat the decision") {
    CHECK(evidence_text({{"ring0_addr", {{"address", "198.18.0.11"}, {"interface", "eth0"}}},
                         {"local", {"eth0 198.18.0.11", "eth1 10.0.0.1"}},
                         {"quorate", false},
                         {"file", nullptr}}) ==
          "file: none; local: eth0 198.18.0.11, eth1 10.0.0.1; quorate: false; ring0_addr: address "
          "198.18.0.11, interface eth0");
    Finding f{"net.ring-addr", Layer::corosync, Status::fail};
    f.meaning = "this node is cut off";
    f.decision = "fix this node's network";
    auto report = make_report({f});
    CHECK(report.headline() == "fix corosync first — net.ring-addr: this node is cut off");
}

// What doctor could not read is said, never passed over.
TEST_CASE("no hostname: conf.nodeid-name is skipped with the reason gather met") {
    auto in = node1();
    in.node.clear();
    in.node_problem = "/srv/root/etc/hostname: missing; cannot tell this node's name";
    auto name = find(check_corosync_files(in), "conf.nodeid-name");
    CHECK(name.status == Status::skip);
    CHECK(name.meaning == in.node_problem);
}

TEST_CASE("a snapshot that cannot be read is named in auth.authkey's evidence") {
    auto dir = std::filesystem::temp_directory_path() /
               ("pmxsnap-unit-authkey-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto archive = dir / "node2-20260101T000000Z.tar.zst";
    std::ofstream(archive) << "not an archive at all, cut short";
    auto in = node1();
    in.authkey_sha256 = std::string(64, 'a');
    repo::Snapshot snapshot;
    snapshot.node = "node2";
    snapshot.archive = archive;
    in.newest_per_node = {snapshot};
    auto f = check_authkey(in);
    std::filesystem::remove_all(dir);
    CHECK(f.evidence["compared_snapshots"] == 0);
    REQUIRE(f.evidence.contains("unreadable"));
    CHECK_FALSE(f.evidence["unreadable"]["node2"].get<std::string>().empty());
}
