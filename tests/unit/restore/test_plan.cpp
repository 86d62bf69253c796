#include "catch.hpp"
#include "plan.hpp"

#include "pmxsnap/util/error.hpp"

using namespace pmxsnap;
using namespace pmxsnap::restore;

namespace {

ArchiveFacts archive_of(std::size_t nodes, std::int64_t version = 100) {
    ArchiveFacts a;
    a.path = "/repo/demo/pve1/20261125T000000Z.pmxsnap";
    a.manifest.cluster = "demo";
    a.manifest.node = "pve1";
    a.manifest.db.root_version = version;
    for (std::size_t i = 1; i <= nodes; ++i) {
        auto address = "198.18.0." + std::to_string(10 + i);
        a.nodelist.push_back({"pve" + std::to_string(i), address, {address}});
    }
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

// A live node whose corosync is down, the archive's peers answering so.
HostFacts probed_alone(corosync::PortProbe::Answer pve2, corosync::PortProbe::Answer pve3) {
    HostFacts h;
    h.node = "pve1";
    h.cluster = "demo";
    h.probed = true;
    h.runtime = corosync::LiveView{};
    h.peers = {{"pve2", {"198.18.0.12", corosync::knet_default_port, pve2, "test"}},
               {"pve3", {"198.18.0.13", corosync::knet_default_port, pve3, "test"}}};
    return h;
}

bool prints(const Plan& plan, const std::string& text) {
    for (const auto& line : plan.text())
        if (line.find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

TEST_CASE("auto mode chooses the cluster scenario only when the peers are shown gone") {
    using Answer = corosync::PortProbe::Answer;
    std::string because;
    auto gone = probed_alone(Answer::unreachable, Answer::unreachable);
    CHECK(choose_scenario(archive_of(3), gone, because) == Scenario::cluster);
    CHECK(make_plan(archive_of(3), gone, {}).decided);

    for (auto answer : {Answer::silent, Answer::refused, Answer::not_probed}) {
        auto one_unclear = probed_alone(Answer::unreachable, answer);
        CHECK_FALSE(choose_scenario(archive_of(3), one_unclear, because));
        CHECK_THAT(because, Catch::Matchers::ContainsSubstring("not shown gone"));
    }

    auto unasked = gone;
    unasked.peers.pop_back(); // pve3 has no address asked
    CHECK_FALSE(choose_scenario(archive_of(3), unasked, because));

    auto members = gone; // corosync here sees two members, no quorum
    members.runtime->reachable = true;
    members.runtime->quorate = false;
    members.runtime->members = {{1, "", "joined"}, {2, "", "joined"}};
    CHECK_FALSE(choose_scenario(archive_of(3), members, because));
    CHECK_THAT(because, Catch::Matchers::ContainsSubstring("without quorum"));

    auto offline = gone;
    offline.probed = false;
    CHECK_FALSE(choose_scenario(archive_of(3), offline, because));
}

TEST_CASE("an undecided plan proposes no step and names the scenarios to choose from") {
    HostFacts lone;
    lone.node = "pve1";
    lone.cluster = "demo";
    auto plan = make_plan(archive_of(3), lone, {});
    CHECK_FALSE(plan.decided);
    CHECK(plan.steps.empty());
    CHECK_FALSE(prints(plan, "pvecm create"));
    CHECK(prints(plan, "--scenario cluster"));
    CHECK(prints(plan, "--scenario rejoin"));
    CHECK(prints(plan, "restore plan: undecided"));
    CHECK(plan.to_json()["scenario"].is_null());
    CHECK_FALSE(plan.to_json()["decided"].get<bool>());
}

TEST_CASE("another cluster's archive is a failed precondition of every plan") {
    HostFacts other;
    other.node = "pve1";
    other.cluster = "othercl";
    for (auto scenario : {std::optional<Scenario>(), std::optional(Scenario::single_node),
                          std::optional(Scenario::rejoin), std::optional(Scenario::cluster),
                          std::optional(Scenario::file)}) {
        PlanOptions options;
        options.scenario = scenario;
        auto plan = make_plan(archive_of(3), other, options);
        CHECK_FALSE(plan.preconditions_hold());
        CHECK(prints(plan, "failed  the archive is of cluster demo, this host is in cluster "
                           "othercl"));
    }
}

TEST_CASE("a file plan for corosync.conf restores it and restarts corosync, no /etc/pve needed") {
    HostFacts h;
    h.node = "pve1";
    h.cluster = "demo";
    PlanOptions options;
    options.scenario = Scenario::file;
    options.file = "/etc/corosync/corosync.conf";
    options.archive_argument = "/repo/a.pmxsnap";
    auto plan = make_plan(archive_of(3), h, options);
    CHECK(plan.preconditions_hold());
    CHECK(prints(plan, "pmxsnap restore file /repo/a.pmxsnap /etc/corosync/corosync.conf "
                       "--expect-digest"));
    CHECK(prints(plan, "systemctl restart corosync"));
    CHECK_FALSE(prints(plan, "/etc/pve is mounted"));

    options.file = "/etc/ssh/ssh_host_ed25519_key.pub";
    CHECK_THROWS_AS(make_plan(archive_of(3), h, options), Error);
}

TEST_CASE("the scenario follows the live facts") {
    std::string because;
    HostFacts lone;
    lone.node = "pve1";
    lone.cluster = "demo";
    CHECK(choose_scenario(archive_of(1), lone, because) == Scenario::single_node);
    CHECK(choose_scenario(archive_of(0), lone, because) == Scenario::single_node);
    CHECK_FALSE(choose_scenario(archive_of(3), lone, because));
    CHECK_THAT(because, Catch::Matchers::ContainsSubstring("not probed"));

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
