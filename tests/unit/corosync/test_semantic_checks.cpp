#include "sample_configs.hpp"

#include "pmxsnap/corosync/semantic_checks.hpp"

#include <catch2/catch.hpp>
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
