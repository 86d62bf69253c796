// parse_config: reads corosync.conf the way corosync 3.1 does (exec/
// coroparse.c): line by line, at most 510 characters a line, '#' comments on
// their own lines only, "section {", "key: value", "}", and integer keys
// checked with corosync's own wording and line numbers. A file that does not
// parse is a value (ParseResult::error), never an exception.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::corosync {

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
    int lines = 0;
    int open_sections_at_end = 0; // always 0 for a parsed file

    const Node* find_node_by_name(std::string_view name) const;
    const Node* find_node_by_id(std::uint32_t nodeid) const;
    std::optional<std::string> value(std::string_view path) const; // first item with this path
};

struct ParseResult {
    std::optional<Config> config;
    std::optional<ParseError> error;
    bool ok() const { return config.has_value(); }
};

ParseResult parse_config(std::string_view text);

} // namespace pmxsnap::corosync
