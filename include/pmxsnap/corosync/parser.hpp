// parse_config: reads corosync.conf the way corosync 3.1 does (exec/
// coroparse.c): line by line, at most 510 characters a line, '#' comments on
// their own lines only, "section {", "key: value", "}", a dotted cmap path
// of at most 254 characters, and integer keys checked with corosync's own
// wording and line numbers. A file that does not parse is a value
// (ParseResult::error), never an exception.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace pmxsnap::corosync {

// The corosync release whose grammar a text is read by. 3.1.8 made the byte
// 0xA0 (a no-break space in Latin-1) whitespace (corosync commit 77d9ea3c);
// nothing else that `corosync -t` checks differs between 3.1.7 (Debian 12,
// Proxmox VE 8) and 3.1.9 (Debian 13, Proxmox VE 9). The default is the
// newest known release.
struct Rules {
    int major = 3, minor = 1, patch = 9;

    // "3.1.7", "3.1.9-2+deb13u1", "Corosync Cluster Engine, version '3.1.9'".
    static std::optional<Rules> of_version(std::string_view text);
    bool nbsp_is_blank() const { return std::tie(major, minor, patch) >= std::tuple(3, 1, 8); }
    std::string version() const;
    bool operator==(const Rules&) const = default;
};

// Which release's rules apply to a node, and how that was decided: its
// installed corosync ("dpkg"), else what its Debian release ships
// ("os-release": 12 has 3.1.7, 13 has 3.1.9), else the newest ("default").
struct RulesChoice {
    Rules rules;
    std::string source;
};
RulesChoice choose_rules(const std::optional<std::string>& installed_corosync,
                         const std::optional<std::string>& debian_release);

struct ParseError {
    int line = 0; // 0 when the problem is not on one line
    std::string message;
    // "FILE:LINE: message", as `corosync -t` prints it after "parser error: ".
    std::string to_string(std::string_view file) const;
};

// One "key: value" line, with its full dotted path as corosync's cmap names
// it (nodelist.node.0.ring0_addr).
struct Item {
    std::string path;
    std::string value;
    int line = 0;
};

struct Node {
    std::string name;
    std::optional<std::uint32_t> nodeid;
    std::map<int, std::string> ring_addresses; // 0 → ring0_addr
    std::optional<std::uint32_t> quorum_votes;
    int line = 0; // where its "node {" is
};

struct Quorum {
    std::string provider;
    std::optional<std::uint32_t> expected_votes;
    bool two_node = false;
    bool wait_for_all = false;
    bool last_man_standing = false;
};

struct Config {
    std::string cluster_name; // empty when absent
    std::optional<std::uint64_t> config_version;
    std::string transport; // as written; corosync's default is knet
    std::vector<Node> nodes;
    Quorum quorum;
    std::vector<Item> items; // every key in file order, unknown ones included
    Rules rules;             // the corosync release it was read as

    const Node* find_node_by_name(std::string_view name) const;
    const Node* find_node_by_id(std::uint32_t nodeid) const;
    std::optional<std::string> value(std::string_view path) const; // first item with this path
};

struct ParseResult {
    std::optional<Config> config;
    std::optional<ParseError> error;
    bool ok() const { return config.has_value(); }
};

ParseResult parse_config(std::string_view text, const Rules& rules = {});

} // namespace pmxsnap::corosync
