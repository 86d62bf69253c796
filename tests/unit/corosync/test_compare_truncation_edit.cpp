#include "catch.hpp"
#include "config_version_edit.hpp"
#include "sample_configs.hpp"

#include "pmxsnap/corosync/compare.hpp"
#include "pmxsnap/corosync/truncation.hpp"

#include <regex>

using namespace pmxsnap;
using namespace pmxsnap::corosync;

namespace {

Config parsed(const std::string& text) {
    auto result = parse_config(text);
    REQUIRE(result.ok());
    return *result.config;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    return std::regex_replace(text, std::regex(from), to);
}

std::vector<std::string> ids(const std::vector<TruncationEvidence>& evidence) {
    std::vector<std::string> out;
    for (const auto& e : evidence)
        out.push_back(e.id);
    return out;
}

} // namespace

TEST_CASE("identical configs compare identical") {
    auto text = test::proxmox_corosync_conf(3);
    auto comparison = compare_configs(parsed(text), parsed(text));
    CHECK(comparison.identical());
    CHECK(comparison.to_json()["identical"] == true);
}

TEST_CASE("the running nodelist (CMAP) compares with a file, each change in one line") {
    auto base = test::proxmox_corosync_conf(3);
    auto file = parsed(base);
    LiveView live;
    live.config_version = file.config_version;
    for (const auto& node : file.nodes)
        live.nodelist.push_back({*node.nodeid, node.name, node.ring_addresses});
    auto running = running_config(live);
    CHECK(running.config_version == file.config_version);
    CHECK(compare_configs(running, file).nodes.empty());
    auto moved = compare_configs(running, parsed(replace(base, "198.18.0.13", "198.18.1.13")));
    REQUIRE(moved.nodes.size() == 1);
    CHECK(describe(moved.nodes[0]) == "ring0_addr of nodeid 3: 198.18.0.13 → 198.18.1.13");
    auto added = compare_configs(running, parsed(test::proxmox_corosync_conf(4)));
    REQUIRE(added.nodes.size() == 1);
    CHECK(describe(added.nodes[0]) == "pve4 (nodeid 4) added");
    auto renamed = compare_configs(running, parsed(replace(base, "name: pve2", "name: pve9")));
    CHECK(describe(renamed.nodes[0]) == "nodeid 2 renamed: pve2 → pve9");
}

TEST_CASE("the compare finds a renamed node, a changed ring0_addr, an added node, a version bump") {
    auto base = test::proxmox_corosync_conf(3);
    SECTION("renamed") {
        auto c = compare_configs(parsed(base), parsed(replace(base, "name: pve2", "name: pve9")));
        REQUIRE(c.nodes.size() == 1);
        CHECK(c.nodes[0].kind == NodeChange::Kind::renamed);
        CHECK(c.nodes[0].nodeid == 2);
        CHECK(c.nodes[0].before == "pve2");
        CHECK(c.nodes[0].after == "pve9");
    }
    SECTION("re-addressed") {
        auto c = compare_configs(parsed(base), parsed(replace(base, "198.18.0.13", "198.18.1.13")));
        REQUIRE(c.nodes.size() == 1);
        CHECK(c.nodes[0].kind == NodeChange::Kind::readdressed);
        CHECK(c.nodes[0].what == "ring0_addr");
        CHECK(c.nodes[0].after == "198.18.1.13");
    }
    SECTION("added") {
        auto c = compare_configs(parsed(base), parsed(test::proxmox_corosync_conf(4)));
        REQUIRE(c.nodes.size() == 1);
        CHECK(c.nodes[0].kind == NodeChange::Kind::added);
        CHECK(c.nodes[0].nodeid == 4);
        auto removed = compare_configs(parsed(test::proxmox_corosync_conf(4)), parsed(base));
        REQUIRE(removed.nodes.size() == 1);
        CHECK(removed.nodes[0].kind == NodeChange::Kind::removed);
    }
    SECTION("config_version bump and a totem key") {
        auto c = compare_configs(
            parsed(base), parsed(replace(replace(base, "config_version: 3", "config_version: 4"),
                                         "link_mode: passive", "link_mode: rr")));
        CHECK(c.version_before == 3u);
        CHECK(c.version_after == 4u);
        REQUIRE(c.keys.size() == 1);
        CHECK(c.keys[0].path == "totem.link_mode");
        CHECK_FALSE(c.identical());
        CHECK(c.to_json()["config_version"]["after"] == 4);
    }
}

TEST_CASE("a truncated copy shows its evidence, alone and against the other copy") {
    auto full = test::proxmox_corosync_conf(3);
    CHECK(truncation_evidence(full).empty());
    CHECK(truncation_evidence(full, full, "/etc/pve/corosync.conf").empty());

    auto cut_mid_line = full.substr(0, full.find("ring0_addr: 198.18.0.12") + 15);
    auto evidence = ids(truncation_evidence(cut_mid_line, full, "/etc/pve/corosync.conf"));
    CHECK(evidence ==
          std::vector<std::string>{"ends-inside-section", "last-line-cut", "prefix-of-other"});

    // Same config_version, a node missing: parses, but is shorter.
    auto fewer = replace(full, "  node \\{\n    name: pve3\n[^}]*\\}\n", "");
    REQUIRE(parse_config(fewer).ok());
    CHECK(ids(truncation_evidence(fewer, full, "the last snapshot")) ==
          std::vector<std::string>{"shorter-nodelist"});
}

TEST_CASE("bumping config_version changes only that line") {
    auto text = "# keep this comment\n" + test::proxmox_corosync_conf(3);
    auto bumped = with_config_version(text, 17);
    REQUIRE(bumped);
    CHECK(parse_config(*bumped).config->config_version == 17u);
    CHECK(replace(*bumped, "config_version: 17", "config_version: 3") == text);
    CHECK_FALSE(with_config_version("totem {\n", 4));
    CHECK_FALSE(with_config_version("totem {\n  version: 2\n}\n", 4));
}
