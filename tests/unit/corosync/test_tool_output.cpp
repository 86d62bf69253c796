#include "catch.hpp"
#include "tool_output_samples.hpp"

#include "pmxsnap/corosync/tool_output.hpp"

using namespace pmxsnap::corosync;

TEST_CASE("corosync-quorumtool -s of a quorate 3-node cluster") {
    auto status = parse_quorumtool_status(samples::three_up);
    REQUIRE(status);
    CHECK(status->provider == "corosync_votequorum");
    CHECK(status->quorate == true);
    CHECK(status->nodes == 3u);
    CHECK(status->node_id == 1u);
    CHECK(status->ring_id == "1.d");
    CHECK(status->expected_votes == 3u);
    CHECK(status->highest_expected == 3u);
    CHECK(status->total_votes == 3u);
    CHECK(status->quorum == 2u);
    CHECK(status->flags == std::vector<std::string>{"Quorate"});
    REQUIRE(status->members.size() == 3);
    CHECK(status->members[0].nodeid == 1u);
    CHECK(status->members[0].votes == 1u);
    CHECK(status->members[0].name == "node1");
    CHECK(status->members[0].local);
    CHECK(status->members[2].name == "node3");
    CHECK_FALSE(status->members[2].local);
}

TEST_CASE("corosync-quorumtool -s with one node stopped: still quorate, two members") {
    auto status = parse_quorumtool_status(samples::one_stopped);
    REQUIRE(status);
    CHECK(status->quorate == true);
    CHECK(status->nodes == 2u);
    CHECK(status->total_votes == 2u);
    REQUIRE(status->members.size() == 2);
    CHECK(status->members[1].name == "node2");
}

TEST_CASE("corosync-quorumtool -s of a node left alone: not quorate, activity blocked") {
    for (const char* text : {samples::alone, samples::alone_qdevice_column}) {
        auto status = parse_quorumtool_status(text);
        REQUIRE(status);
        CHECK(status->quorate == false);
        CHECK(status->quorum == 2u); // "2 Activity blocked"
        CHECK(status->total_votes == 1u);
        CHECK(status->flags.empty());
        REQUIRE(status->members.size() == 1);
        CHECK(status->members[0].name == "node1"); // past the Qdevice column of -p
        CHECK(status->members[0].local);
    }
}

TEST_CASE("what is not quorumtool's status is not taken for one") {
    CHECK_FALSE(parse_quorumtool_status("Cannot initialize CMAP service\n"));
    CHECK_FALSE(parse_quorumtool_status(""));
    // Cut before the Quorate line: nothing is guessed.
    std::string text = samples::three_up;
    CHECK_FALSE(parse_quorumtool_status(text.substr(0, text.find("Quorate:"))));
    // Cut inside the membership table: the rows that are whole.
    auto cut = parse_quorumtool_status(text.substr(0, text.rfind("node3") - 12));
    REQUIRE(cut);
    CHECK(cut->members.size() == 2);
}

TEST_CASE("corosync-cmapctl -b nodelist.node") {
    auto nodes = parse_cmapctl_nodelist(samples::nodelist);
    REQUIRE(nodes.size() == 3);
    CHECK(nodes[0].name == "node1");
    CHECK(nodes[0].nodeid == 1u);
    CHECK(nodes[0].ring_addresses.at(0) == "198.18.0.11");
    CHECK(nodes[2].name == "node3");
    CHECK(nodes[2].nodeid == 3u);
    CHECK(nodes[2].ring_addresses.at(0) == "198.18.0.13");
    CHECK(parse_cmapctl_nodelist("Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n")
              .empty());
}
