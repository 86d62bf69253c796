#include "catch.hpp"

#include "pmxsnap/health/health.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace pmxsnap;

namespace {

std::string corosync_conf(int version, int nodes = 3, const std::string& cluster = "demo") {
    std::string text = "logging {\n  to_syslog: yes\n}\n\nnodelist {\n";
    for (int i = 1; i <= nodes; ++i)
        text += "  node {\n    name: pve" + std::to_string(i) +
                "\n    nodeid: " + std::to_string(i) +
                "\n    quorum_votes: 1\n    ring0_addr: 198.18.0.1" + std::to_string(i) + "\n  }\n";
    text +=
        "}\n\nquorum {\n  provider: corosync_votequorum\n}\n\ntotem {\n  cluster_name: " + cluster +
        "\n  config_version: " + std::to_string(version) + "\n  secauth: on\n  version: 2\n}\n";
    return text;
}

// A healthy three-node member: what pmxcfs and corosync leave on pve1.
health::StateFacts healthy() {
    health::StateFacts facts;
    facts.node = "pve1";
    facts.host_corosync = corosync_conf(3);
    facts.pve_corosync = corosync_conf(3);
    facts.node_directories = {"pve1", "pve2", "pve3"};
    facts.corosync_authkey = true;
    facts.pve_authkey = true;
    return facts;
}

std::vector<std::string> ids(const archive::Health& health) {
    std::vector<std::string> out;
    for (const auto& p : health.problems)
        out.push_back(p.id);
    return out;
}

bool has(const archive::Health& health, const std::string& id) {
    auto all = ids(health);
    return std::find(all.begin(), all.end(), id) != all.end();
}

} // namespace

TEST_CASE("health: a sound member is good, with no problems") {
    auto health = health::assess(healthy());
    CHECK(health.verdict == "good");
    CHECK(health.good());
    CHECK(health.problems.empty());
    CHECK(health.notes.empty());
}

TEST_CASE("health: a corosync.conf cut mid-nodelist is bad, naming the copy") {
    auto facts = healthy();
    facts.host_corosync = facts.host_corosync->substr(0, 120);
    auto health = health::assess(facts);
    CHECK(health.verdict == "bad");
    CHECK(ids(health) == std::vector<std::string>{"host-corosync-truncated"});
    CHECK(health.problems.front().message.starts_with("/etc/corosync/corosync.conf: "));

    facts = healthy();
    facts.pve_corosync = facts.pve_corosync->substr(0, 200);
    health = health::assess(facts);
    CHECK(has(health, "pve-corosync-truncated"));
    CHECK_FALSE(has(health, "host-corosync-truncated"));
    // The nodelist then comes from /etc/corosync's copy: no spurious findings.
    CHECK_FALSE(has(health, "node-directory-missing"));
}

TEST_CASE("health: a copy that parses but lost nodes at one config_version is cut short") {
    auto facts = healthy();
    facts.host_corosync = corosync_conf(3, 2);
    CHECK(has(health::assess(facts), "host-corosync-truncated"));
}

TEST_CASE("health: config_version of the two copies") {
    auto facts = healthy();
    facts.pve_corosync = corosync_conf(4); // pending: pmxcfs installs it
    auto pending = health::assess(facts);
    CHECK(pending.good());
    REQUIRE(pending.notes.size() == 1);
    CHECK(pending.notes.front().find("config_version 4") != std::string::npos);

    facts = healthy();
    facts.host_corosync = corosync_conf(5); // a local edit the cluster does not have
    CHECK(ids(health::assess(facts)) == std::vector<std::string>{"host-corosync-ahead"});

    facts = healthy();
    facts.host_corosync = corosync_conf(3, 3, "other");
    CHECK(has(health::assess(facts), "cluster-names-differ"));
    CHECK(has(health::assess(facts), "corosync-copies-differ"));
}

TEST_CASE("health: node directories against the nodelist") {
    auto facts = healthy();
    facts.node_directories = {"pve1", "pve3"};
    auto missing = health::assess(facts);
    CHECK(ids(missing) == std::vector<std::string>{"node-directory-missing"});
    CHECK(missing.problems.front().message.find("/etc/pve/nodes/pve2") != std::string::npos);

    // What `pvecm delnode` leaves: said, not bad.
    facts = healthy();
    facts.node_directories.push_back("pve4");
    auto leftover = health::assess(facts);
    CHECK(leftover.good());
    REQUIRE(leftover.notes.size() == 1);
    CHECK(leftover.notes.front().find("/etc/pve/nodes/pve4") != std::string::npos);

    facts = healthy();
    facts.node = "pve9";
    facts.node_directories.push_back("pve9");
    CHECK(has(health::assess(facts), "node-not-in-nodelist"));
}

TEST_CASE("health: copies missing, authkeys missing, db problems") {
    auto facts = healthy();
    facts.host_corosync.reset();
    CHECK(has(health::assess(facts), "host-corosync-missing"));
    facts = healthy();
    facts.pve_corosync.reset();
    CHECK(has(health::assess(facts), "pve-corosync-missing"));
    facts = healthy();
    facts.corosync_authkey = false;
    CHECK(ids(health::assess(facts)) == std::vector<std::string>{"corosync-authkey-missing"});
    facts = healthy();
    facts.pve_authkey = false;
    CHECK(ids(health::assess(facts)) == std::vector<std::string>{"pve-authkey-missing"});
    facts = healthy();
    facts.db_integrity = {"*** in database main ***", "Page 4 is never used"};
    facts.db_violations = {
        {"duplicate-name", configdb::Effect::refuses_start, 7, "nodes/pve1", "duplicate entry"}};
    auto db = health::assess(facts);
    CHECK(ids(db) == std::vector<std::string>{"db-integrity", "db-rules"});
    CHECK(db.problems.back().message.find("duplicate-name") != std::string::npos);
    CHECK(db.problems.back().message.find("refuses to start") != std::string::npos);
}

TEST_CASE("health: what pmxcfs serves but would not write is a note, never bad") {
    auto facts = healthy();
    facts.db_write_limits = {{"file-too-large", configdb::Effect::refuses_writes, 9, "big.cfg",
                              "file has 2097152 bytes"}};
    auto health = health::assess(facts);
    CHECK(health.good());
    REQUIRE(health.notes.size() == 1);
    CHECK(health.notes[0].find("write limit file-too-large") != std::string::npos);
    CHECK(health.notes[0].find("big.cfg") != std::string::npos);
}

TEST_CASE("health: a standalone node needs no corosync, only its own directory and key") {
    health::StateFacts facts;
    facts.node = "pve1";
    facts.node_directories = {"pve1"};
    facts.pve_authkey = true;
    CHECK(health::assess(facts).good());
    facts.node_directories.clear();
    CHECK(ids(health::assess(facts)) == std::vector<std::string>{"node-directory-missing"});
}

TEST_CASE("health: a missing final newline alone is a note, not a cut") {
    auto facts = healthy();
    facts.host_corosync->pop_back();
    facts.pve_corosync->pop_back();
    auto health = health::assess(facts);
    CHECK(health.good());
    CHECK(health.notes.size() == 2);
}

TEST_CASE("health: every id has a phrase; unknown ids are shown as they are") {
    for (const char* id :
         {"host-corosync-truncated", "pve-corosync-truncated", "node-directory-missing", "db-rules",
          "corosync-authkey-missing", "host-corosync-ahead"})
        CHECK(health::describe(id) != id);
    CHECK(health::describe("from-a-newer-release") == "from-a-newer-release");
}
