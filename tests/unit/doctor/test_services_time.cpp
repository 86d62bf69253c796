// service.* and time.sync on Inputs as gather fills them (systemd's unit
// states as sd-bus returns them, the kernel clock as adjtimex reports it).
// The real systemd reads are compared with systemctl in
// tests/integration/units_under_systemd.sh.
#include "catch.hpp"
#include "checks.hpp"
#include "doctor_fixture.hpp"

using namespace pmxsnap;
using namespace pmxsnap::doctor;
using namespace pmxsnap::doctor::testing;
using Catch::Matchers::ContainsSubstring;

namespace {

host::UnitState unit(std::string active, std::string sub, std::uint32_t restarts = 0) {
    return {true, "", "loaded", std::move(active), std::move(sub), restarts};
}

} // namespace

TEST_CASE("service.corosync: active is ok, restarted is a warning, failed is a fail") {
    auto in = node1();
    in.units["corosync.service"] = unit("active", "running");
    CHECK(find(check_services(in), "service.corosync").status == Status::ok);
    in.units["corosync.service"] = unit("active", "running", 3);
    auto restarted = find(check_services(in), "service.corosync");
    CHECK(restarted.status == Status::warn);
    CHECK_THAT(restarted.meaning, ContainsSubstring("restarted 3 times"));
    in.units["corosync.service"] = unit("failed", "failed");
    auto failed = find(check_services(in), "service.corosync");
    CHECK(failed.status == Status::fail);
    CHECK_THAT(failed.meaning, ContainsSubstring("corosync.service is failed (failed)"));
    CHECK_THAT(failed.decision, ContainsSubstring("journalctl -u corosync -b"));
}

TEST_CASE("service checks are skipped when systemd cannot be asked") {
    auto in = node1();
    in.units["corosync.service"] = {false, "no system bus", "", "", "", {}};
    in.units["pve-cluster.service"] = {false, "no system bus", "", "", "", {}};
    for (const auto& f : check_services(in))
        CHECK(f.status == Status::skip);
}

TEST_CASE("time.sync: synchronised is ok; unsynchronised or far off is a warning") {
    auto in = node1();
    in.clock = host::ClockState{true, 100'000, 1'000, 2'000};
    CHECK(check_time(in).status == Status::ok);
    in.clock = host::ClockState{false, 16'000'000, 16'000'000, 0};
    auto unsynced = check_time(in);
    CHECK(unsynced.status == Status::warn);
    CHECK_THAT(unsynced.meaning, ContainsSubstring("not synchronised"));
    in.clock = host::ClockState{true, 100'000, 1'000, 2'000'000};
    auto off = check_time(in);
    CHECK(off.status == Status::warn);
    CHECK_THAT(off.meaning, ContainsSubstring("off by 2000 ms"));
    CHECK_THAT(off.decision, ContainsSubstring("chronyc tracking"));
}
