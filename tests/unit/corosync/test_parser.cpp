#include "sample_configs.hpp"

#include "pmxsnap/corosync/parser.hpp"

#include <catch2/catch.hpp>

using namespace pmxsnap;
using namespace pmxsnap::corosync;

TEST_CASE("a Proxmox corosync.conf gives its cluster, version and nodes") {
    auto result = parse_config(test::proxmox_corosync_conf(3));
    REQUIRE(result.ok());
    const auto& config = *result.config;
    CHECK(config.cluster_name == "demo");
    CHECK(config.config_version == 3u);
    REQUIRE(config.nodes.size() == 3);
    CHECK(config.nodes[1].name == "pve2");
    CHECK(config.nodes[1].nodeid == 2u);
    CHECK(config.nodes[1].ring_addresses.at(0) == "198.18.0.12");
    CHECK(config.quorum.provider == "corosync_votequorum");
    CHECK(config.find_node_by_name("pve3") != nullptr);
    CHECK(config.find_node_by_name("pve4") == nullptr);
    CHECK(config.value("nodelist.node.2.ring0_addr") == "198.18.0.13");
    CHECK(config.value("totem.interface.linknumber") == "0");
}

TEST_CASE("syntax errors carry corosync's words and line numbers") {
    struct Case {
        const char* text;
        int line;
        const char* message;
    };
    const Case cases[] = {
        {"totem {\n  version: 2\n", 2, "Missing closing brace"},
        {"}\n", 1, "Unexpected closing brace"},
        {"totem {\n  version 2\n}\n", 2, "Line is not opening or closing section or key value"},
        {"totem { foo\n}\n", 1, "Extra characters after opening bracket '{'"},
        {"totem {\n} x\n", 2, "Extra characters before or after closing bracket '}'"},
        {"{\n}\n", 1, "Missing section name before opening bracket '{'"},
        {"totem {\n  cluster_name = demo\n}\n", 2,
         "Line is not opening or closing section or key value"},
        {"totem {\n  config_version: abc\n}\n", 2,
         "Value of key \"totem.config_version\" is expected to be integer in range "
         "(0..18446744073709551615), but \"abc\" was given"},
        {"nodelist {\n  node {\n    nodeid: x1\n  }\n}\n", 3,
         "Value of key \"nodelist.node.0.nodeid\" is expected to be integer in range "
         "(0..4294967295), but \"x1\" was given"},
        {"quorum {\n  two_node: 2x\n}\n", 2,
         "Value of key \"quorum.two_node\" is expected to be integer in range (0..255), but "
         "\"2x\" was given"},
    };
    for (const auto& c : cases) {
        auto result = parse_config(c.text);
        INFO(c.text);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error->line == c.line);
        CHECK(result.error->message == c.message);
    }
    CHECK(ParseError{15, "Missing closing brace"}.to_string("/etc/corosync/corosync.conf") ==
          "/etc/corosync/corosync.conf:15: Missing closing brace");
}

TEST_CASE("comments, blank lines, CRLF and trailing blanks are ignored as corosync does") {
    auto result = parse_config("# comment\n\t# indented comment\n\ntotem {\r\n  version: 2 \t\r\n"
                               "  cluster_name:demo\n}\n");
    REQUIRE(result.ok());
    CHECK(result.config->cluster_name == "demo");
    CHECK(result.config->value("totem.version") == "2");
}

TEST_CASE("a line of 511 characters is too long, 510 is not") {
    auto line = [](std::size_t length) {
        return "totem {\n  x: " + std::string(length - 5, 'a') + "\n}\n";
    };
    CHECK(parse_config(line(510)).ok());
    auto result = parse_config(line(511));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error->message == "Line too long");
    CHECK(result.error->line == 2);
}

TEST_CASE("every cut of a config that ends inside a section is a missing closing brace") {
    auto text = test::proxmox_corosync_conf(3);
    std::size_t cuts = 0, missing_brace = 0;
    for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
        auto cut = text.substr(0, at + 1);
        auto result = parse_config(cut);
        ++cuts;
        int depth = 0;
        for (char c : cut)
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        if (depth > 0) {
            ++missing_brace;
            REQUIRE_FALSE(result.ok());
            CHECK(result.error->message == "Missing closing brace");
        } else {
            CHECK(result.ok());
        }
    }
    CHECK(cuts > 30);
    CHECK(missing_brace > 20);
}
