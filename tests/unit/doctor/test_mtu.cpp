// net.mtu on Inputs as gather fills them: this node's ring interface and
// knet links now, the MTUs the newest snapshots recorded, and the
// don't-fragment probes. The real cluster drops a veth to 576 in
// tests/integration/test_doctor_incidents.sh.
#include "catch.hpp"
#include "checks.hpp"
#include "doctor_fixture.hpp"

using namespace pmxsnap;
using namespace pmxsnap::doctor;
using namespace pmxsnap::doctor::testing;
using Catch::Matchers::ContainsSubstring;

namespace {

Inputs node1_at(unsigned mtu) {
    auto in = node1();
    in.live = live_view(true, true);
    in.interface_mtus = {{"lo", 65536}, {"eth0", mtu}};
    return in;
}

Inputs::RecordedMtus record(const std::string& node, unsigned mtu) {
    return {node, node + "-20261206T100000Z.tar.zst", {{"eth0", mtu}}, {{2, 1397}, {3, 1397}}};
}

} // namespace

TEST_CASE("net.mtu is ok when the interfaces, the records and the paths agree") {
    auto in = node1_at(1500);
    in.recorded_mtus = {record("node1", 1500), record("node2", 1500), record("node3", 1500)};
    in.path_mtu_probes = {{"node2", "198.18.0.12", 1500, true, true}};
    auto f = check_mtu(in);
    CHECK(f.status == Status::ok);
    CHECK_THAT(f.meaning, ContainsSubstring("3 snapshot records, 1 paths probed"));
    CHECK(f.evidence["interfaces"]["eth0"] == 1500);
}

TEST_CASE("a drop against this node's own last snapshot is a warning with both values") {
    auto in = node1_at(576);
    in.recorded_mtus = {record("node1", 1500)};
    auto f = check_mtu(in);
    CHECK(f.status == Status::warn);
    CHECK_THAT(f.meaning, ContainsSubstring("eth0 has MTU 576 now, 1500 in this node's last "
                                            "snapshot (node1-20261206T100000Z.tar.zst)"));
    CHECK_THAT(f.decision, ContainsSubstring("ping -M do -s"));
}

TEST_CASE("peers that recorded another MTU are named with theirs and this node's") {
    auto in = node1_at(576);
    in.recorded_mtus = {record("node2", 1500), record("node3", 1500)};
    auto f = check_mtu(in);
    CHECK(f.status == Status::warn);
    CHECK_THAT(f.meaning, ContainsSubstring("node2, node3 recorded MTU 1500 on their ring "
                                            "interfaces (their newest snapshots); this node has "
                                            "576"));
}

TEST_CASE("knet's path MTU lower than this node's snapshot recorded is a warning") {
    auto in = node1_at(1500);
    in.recorded_mtus = {record("node1", 1500)};
    in.recorded_mtus[0].knet[2] = 1500;
    auto f = check_mtu(in);
    CHECK(f.status == Status::warn);
    CHECK_THAT(f.meaning,
               ContainsSubstring("knet's path MTU to node2 is 1397 now, 1500 in this node's"));
}

TEST_CASE("a path that carries 576 but not the ring MTU names the peer and the ping") {
    auto in = node1_at(1500);
    in.path_mtu_probes = {{"node2", "198.18.0.12", 1500, false, true},
                          {"node3", "198.18.0.13", 1500, false, false}};
    auto f = check_mtu(in);
    CHECK(f.status == Status::warn);
    CHECK_THAT(f.meaning, ContainsSubstring("the path to node2 (198.18.0.12) does not carry "
                                            "1500-byte packets unfragmented (`ping -M do -s "
                                            "1472` got no answer"));
    // A peer that answers nothing is not an MTU finding (runtime.links says it).
    CHECK_THAT(f.meaning, !ContainsSubstring("node3"));
    CHECK(f.evidence["path_probe"]["node3"]["minimum_size_answered"] == false);
}

TEST_CASE("net.mtu is skipped without the live host") {
    auto in = node1_at(1500);
    in.probed_host = false;
    CHECK(check_mtu(in).status == Status::skip);
}
