#include "catch.hpp"
#include "sample_configs.hpp"

#include "pmxsnap/corosync/limits.hpp"
#include "pmxsnap/corosync/parser.hpp"

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

TEST_CASE("a dotted cmap path reaches 255 with its parent, name and dot: corosync refuses it") {
    auto key = [](std::size_t length) { return std::string(length, 'k'); };
    // Top level: the dot is counted although none is written.
    CHECK(parse_config(key(253) + ": v\n").ok());
    auto top = parse_config(key(254) + ": v\n");
    REQUIRE_FALSE(top.ok());
    CHECK(top.error->line == 1);
    CHECK(top.error->message == "New key makes total cmap path too long");
    // Nested: "s." and 252 characters is 254, which fits; one more does not.
    CHECK(parse_config("s {\n" + key(252) + ": v\n}\n").ok());
    auto nested = parse_config("s {\n" + key(253) + ": v\n}\n");
    REQUIRE_FALSE(nested.ok());
    CHECK(nested.error->line == 2);
    CHECK(nested.error->message == "New key makes total cmap path too long");
    auto section = parse_config("s {\n" + key(253) + " {\n}\n}\n");
    REQUIRE_FALSE(section.ok());
    CHECK(section.error->line == 2);
    CHECK(section.error->message == "Start of section makes total cmap path too long");
    // The path is the sections as written: nodelist.node, not nodelist.node.0.
    auto node = parse_config("nodelist {\nnode {\n" + key(241) + ": v\n}\n}\n");
    REQUIRE_FALSE(node.ok());
    CHECK(node.error->message == "New key makes total cmap path too long");
}

TEST_CASE("a no-break space (0xA0) is whitespace from corosync 3.1.8 on, not before") {
    const auto v317 = *Rules::of_version("3.1.7-1+deb12u1");
    const auto v319 = *Rules::of_version("Corosync Cluster Engine, version '3.1.9'");
    CHECK(v317.version() == "3.1.7");
    CHECK(v319.version() == "3.1.9");
    CHECK_FALSE(v317.nbsp_is_blank());
    CHECK(v319.nbsp_is_blank());
    CHECK(Rules{} == v319);
    CHECK_FALSE(Rules::of_version("none"));
    CHECK_FALSE(Rules::of_version("3.1"));
    const std::string nbsp = "\xA0";
    auto text =
        "totem {\n  version: 2" + nbsp + "\n" + nbsp + "\n  cluster_name:" + nbsp + "demo\n}\n";
    auto new_rules = parse_config(text, v319);
    REQUIRE(new_rules.ok());
    CHECK(new_rules.config->cluster_name == "demo");
    CHECK(new_rules.config->value("totem.version") == "2");
    CHECK(new_rules.config->rules == v319);
    auto old_rules = parse_config(text, v317);
    REQUIRE_FALSE(old_rules.ok());
    CHECK(old_rules.error->line == 2);
    CHECK_THAT(old_rules.error->message,
               Catch::Matchers::ContainsSubstring("Value of key \"totem.version\" is expected"));
}

TEST_CASE("a name ends where corosync ends it: one character before what follows the separator") {
    // "   : v": the blank before "v" is cut, so the key is ":" (stored as totem.:).
    auto colon_key = parse_config("totem {\n   : v\n}\n");
    REQUIRE(colon_key.ok());
    CHECK(colon_key.config->value("totem.:") == "v");
    // "   :v": the colon itself is cut, the key is empty (stored as "totem.").
    auto empty_key = parse_config("totem {\n   :v\n}\n");
    REQUIRE(empty_key.ok());
    CHECK(empty_key.config->value("totem.") == "v");
    auto brace = parse_config("totem: {\n version: 2\n}\n");
    REQUIRE(brace.ok());
    CHECK(brace.config->value("totem.version") == "2");
}

TEST_CASE("over 1 MiB is not a corosync.conf: refused before parsing, in the one wording") {
    // A valid file padded with comment lines (corosync's lines are short) to
    // exactly the limit, then one byte more.
    auto padded = [](std::size_t size) {
        std::string text = "totem {\n version: 2\n}\n";
        while (text.size() + 64 < size)
            text += "#" + std::string(62, 'x') + "\n";
        return text + std::string(size - text.size() - 1, '#') + "\n";
    };
    CHECK(parse_config(padded(max_conf_bytes)).ok());
    auto over = parse_config(padded(max_conf_bytes + 1));
    REQUIRE_FALSE(over.ok());
    CHECK(over.error->line == 0);
    CHECK(over.error->message ==
          "not a corosync.conf: 1048577 bytes, over the 1048576-byte limit (pmxcfs serves no "
          "file over 1 MiB)");
}
