#include "raw_archive.hpp"

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/state_digest.hpp"

#include <catch2/catch.hpp>

using namespace pmxsnap;

TEST_CASE("a manifest survives serialisation") {
    auto m = test::sample_manifest();
    m.corosync.host_config_version = 7;
    m.authkeys.corosync = std::string(64, 'b');
    archive::Member member = test::member_for({"pve/storage.cfg", 'f', "dir: local\n"});
    member.pmxcfs = archive::PmxcfsFacts{5, 9, 2};
    m.members.push_back(member);
    auto parsed = archive::parse_manifest(archive::serialize_manifest(m));
    CHECK(parsed.cluster == "demo");
    CHECK(parsed.corosync.host_config_version == 7u);
    CHECK_FALSE(parsed.corosync.pve_config_version);
    CHECK(parsed.authkeys.corosync == std::string(64, 'b'));
    REQUIRE(parsed.members.size() == 1);
    CHECK(parsed.members[0].pmxcfs->version == 9);
    CHECK(parsed.members[0].mode == 0640);
    CHECK(parsed.members[0].sha256 == member.sha256);
}

TEST_CASE("the state digest follows content, not capture time") {
    auto m = test::sample_manifest();
    m.members.push_back(test::member_for({"pve/storage.cfg", 'f', "dir: local\n"}));
    auto base = archive::state_digest(m);
    auto later = m;
    later.captured_at = "2030-01-01T00:00:00Z";
    later.members[0].mtime += 100;
    CHECK(archive::state_digest(later) == base);
    auto changed = m;
    changed.members[0] = test::member_for({"pve/storage.cfg", 'f', "dir: other\n"});
    CHECK(archive::state_digest(changed) != base);
    auto bumped = m;
    bumped.db.root_version += 1;
    CHECK(archive::state_digest(bumped) != base);
}
