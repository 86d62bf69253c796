#include "catch.hpp"
#include "plan.hpp"

using namespace pmxsnap;
using namespace pmxsnap::restore;

namespace {

ArchiveFacts archive_of(std::size_t nodes, std::int64_t version = 100) {
    ArchiveFacts a;
    a.path = "/repo/demo/pve1/20261125T000000Z.pmxsnap";
    a.manifest.cluster = "demo";
    a.manifest.node = "pve1";
    a.manifest.db.root_version = version;
    for (std::size_t i = 1; i <= nodes; ++i)
        a.nodelist.push_back({"pve" + std::to_string(i), "198.18.0." + std::to_string(10 + i)});
    return a;
}

HostFacts quorate_cluster(bool with_this_node) {
    HostFacts h;
    h.node = "pve1";
    h.cluster = "demo";
    h.probed = true;
    corosync::LiveView view;
    view.reachable = true;
    view.quorate = true;
    for (std::uint32_t id = 1; id <= 3; ++id) {
        if (id == 1 && !with_this_node)
            continue;
        view.nodelist.push_back(
            {id, "pve" + std::to_string(id), {{0, "198.18.0.1" + std::to_string(id)}}});
        view.members.push_back({id, "", "joined"});
    }
    h.runtime = view;
    return h;
}

} // namespace

TEST_CASE("the scenario follows the live facts") {
    std::string because;
    HostFacts lone;
    lone.node = "pve1";
    lone.cluster = "demo";
    CHECK(choose_scenario(archive_of(1), lone, because) == Scenario::single_node);
    CHECK(choose_scenario(archive_of(0), lone, because) == Scenario::single_node);
    CHECK(choose_scenario(archive_of(3), lone, because) == Scenario::cluster);
    CHECK_THAT(because, Catch::Matchers::ContainsSubstring("--scenario rejoin"));

    auto rebuilt = quorate_cluster(false);
    CHECK(choose_scenario(archive_of(3), rebuilt, because) == Scenario::rejoin);

    auto healthy = quorate_cluster(true);
    healthy.db.exists = true;
    healthy.db.root_version = 120;
    CHECK(choose_scenario(archive_of(3), healthy, because) == Scenario::file);
    healthy.db.problem = "integrity_check: corrupt";
    CHECK(choose_scenario(archive_of(3), healthy, because) == Scenario::rejoin);
}

TEST_CASE("apply's preconditions: cluster, rollback, services") {
    HostFacts h;
    h.cluster = "demo";
    h.db.exists = true;
    h.db.root_version = 150;
    auto checks = apply_preconditions(archive_of(3, 100), h);
    REQUIRE(checks.size() == 3);
    CHECK(checks[0].state == Precondition::State::ok);
    CHECK(checks[1].state == Precondition::State::failed);
    CHECK_THAT(checks[1].what, Catch::Matchers::ContainsSubstring("newer than the archive's"));
    CHECK(checks[2].state == Precondition::State::ok);

    h.cluster = "other";
    h.db.root_version = 90;
    h.holders.push_back({4242, "pmxcfs", "/var/lib/pve-cluster/config.db"});
    checks = apply_preconditions(archive_of(3, 100), h);
    CHECK(checks[0].state == Precondition::State::failed);
    CHECK(checks[1].state == Precondition::State::ok);
    CHECK(checks[2].state == Precondition::State::failed);
    CHECK_THAT(checks[2].what, Catch::Matchers::ContainsSubstring("pmxcfs (pid 4242)"));
}

TEST_CASE("a rejoin plan runs the cluster-side steps on a peer, with the node's ring address") {
    auto plan = make_plan(archive_of(3), quorate_cluster(false), {});
    REQUIRE(plan.scenario == Scenario::rejoin);
    CHECK(plan.steps.front().where == "a healthy cluster node");
    CHECK(plan.steps.front().command == "pvecm delnode pve1");
    bool joins = false;
    for (const auto& step : plan.steps)
        joins = joins || step.command == "cd / && pvecm add pve2 --link0 198.18.0.11";
    CHECK(joins);
    CHECK(plan.preconditions_hold());
}
