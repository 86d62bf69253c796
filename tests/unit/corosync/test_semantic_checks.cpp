#include "catch.hpp"
#include "sample_configs.hpp"

#include "pmxsnap/corosync/semantic_checks.hpp"

#include <algorithm>
#include <regex>

using namespace pmxsnap;
using namespace pmxsnap::corosync;

namespace {

std::vector<std::string> ids_of(const std::string& text) {
    auto parsed = parse_config(text);
    REQUIRE(parsed.ok());
    std::vector<std::string> ids;
    for (const auto& finding : check_semantics(*parsed.config))
        ids.push_back(finding.id);
    return ids;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    return std::regex_replace(text, std::regex(from), to);
}

} // namespace

TEST_CASE("a sound Proxmox corosync.conf has no findings") {
    CHECK(ids_of(test::proxmox_corosync_conf(3)).empty());
}

TEST_CASE("what corosync refuses is an error, what Proxmox should not have is a warning") {
    auto base = test::proxmox_corosync_conf(3);
    struct Case {
        std::string text;
        const char* id;
        Severity severity;
    };
    const Case cases[] = {
        {replace(base, "nodeid: 2", "nodeid: 1"), "duplicate-nodeid", Severity::error},
        {replace(base, "    nodeid: 2\n", ""), "node-without-nodeid", Severity::error},
        {replace(base, "  version: 2\n", ""), "totem-version", Severity::error},
        {replace(base, "ring0_addr: 198.18.0.12", "ring0_addr: bad address"), "node-address",
         Severity::error},
        {replace(base, "debug: off", "debug: maybe"), "logging-value", Severity::error},
        {replace(base, "link_mode: passive", "link_mode: fast"), "link-mode", Severity::error},
        {replace(base, "name: pve2", "name: pve1"), "duplicate-name", Severity::warning},
        {replace(base, "  cluster_name: demo\n", ""), "no-cluster-name", Severity::warning},
        {replace(base, "  config_version: 3\n", ""), "no-config-version", Severity::warning},
        {replace(base, "provider: corosync_votequorum",
                 "provider: corosync_votequorum\n  two_node: 1"),
         "two-node-with-more-nodes", Severity::warning},
        {replace(base, "ring0_addr: 198.18.0.12",
                 "ring0_addr: 198.18.0.12\n    ring1_addr: 198.19.0.12"),
         "unequal-links", Severity::warning},
        {replace(base, "ring0_addr: 198.18.0.13", "ring0_addr: fd00::13"), "mixed-families",
         Severity::warning},
    };
    for (const auto& c : cases) {
        INFO(c.id);
        auto parsed = parse_config(c.text);
        REQUIRE(parsed.ok());
        auto findings = check_semantics(*parsed.config);
        bool found = false;
        for (const auto& f : findings)
            found = found || (f.id == c.id && f.severity == c.severity);
        CHECK(found);
    }
    auto parsed = parse_config(replace(base, "nodeid: 2", "nodeid: 1"));
    auto findings = check_semantics(*parsed.config);
    CHECK(has_errors(findings));
    CHECK(findings[0].message == "Nodeid 1 appears twice in corosync.conf");
}

TEST_CASE("host-dependent checks run only with an environment") {
    auto text = replace(test::proxmox_corosync_conf(2), "  version: 2\n",
                        "  version: 2\n  keyfile: /nonexistent/authkey\n");
    auto parsed = parse_config(text);
    REQUIRE(parsed.ok());
    CHECK_FALSE(has_errors(check_semantics(*parsed.config)));
    Environment environment;
    environment.readable_file = [](const std::string&) { return false; };
    auto findings = check_semantics(*parsed.config, &environment);
    REQUIRE(has_errors(findings));
    CHECK(findings[0].message == "Could not open /nonexistent/authkey");
}

TEST_CASE("udpu: nodeids come from ring0_addr, crypto and a second link are refused") {
    auto base = replace(test::proxmox_corosync_conf(3), "  secauth: on\n", "");
    auto udpu = replace(base, "  version: 2\n", "  version: 2\n  transport: udpu\n");
    CHECK(ids_of(udpu).empty());
    // No nodeid: knet refuses, udpu derives it from the IPv4 ring0_addr.
    auto without_nodeid = replace(udpu, "    nodeid: 2\n", "");
    CHECK(ids_of(without_nodeid).empty());
    CHECK(ids_of(replace(base, "    nodeid: 2\n", "")) ==
          std::vector<std::string>{"node-without-nodeid"});
    auto ipv6 = replace(replace(without_nodeid, "ring0_addr: 198.18.0.12", "ring0_addr: fd00::12"),
                        "ip_version: ipv4-6", "ip_version: ipv6-4");
    auto ipv6_ids = ids_of(ipv6);
    CHECK(std::count(ipv6_ids.begin(), ipv6_ids.end(), "node-without-nodeid") == 1);
    // 198.18.0.12 as a number is what node 2 is given: node 1 holding it clashes.
    auto clash = replace(without_nodeid, "nodeid: 1\n", "nodeid: 3323068428\n");
    CHECK(ids_of(clash) == std::vector<std::string>{"duplicate-nodeid"});
    CHECK(ids_of(replace(udpu, "  version: 2\n", "  version: 2\n  secauth: on\n")) ==
          std::vector<std::string>{"crypto-non-knet"});
    auto two_links = replace(udpu, "ring0_addr: (198.18.0.1[0-9])",
                             "ring0_addr: $1\n    ring1_addr: 198.19.0.1");
    auto link_ids = ids_of(two_links);
    CHECK(std::count(link_ids.begin(), link_ids.end(), "links-non-knet") == 1);
    CHECK(ids_of(replace(base, "  version: 2\n", "  version: 2\n  transport: tcp\n")) ==
          std::vector<std::string>{"transport"});
    // knet's own limit on nodeids.
    CHECK(ids_of(replace(base, "nodeid: 3\n", "nodeid: 65536\n")) ==
          std::vector<std::string>{"nodeid-too-large"});
}
