#include "pmxsnap/corosync/tool_output.hpp"

#include <charconv>
#include <map>
#include <sstream>

namespace pmxsnap::corosync {
namespace {

std::string_view trim(std::string_view text) {
    auto start = text.find_first_not_of(" \t\r");
    if (start == std::string_view::npos)
        return {};
    auto end = text.find_last_not_of(" \t\r");
    return text.substr(start, end - start + 1);
}

// The leading number of VALUE ("2 Activity blocked" is 2); decimal or 0x hex.
std::optional<std::uint32_t> number(std::string_view value) {
    value = trim(value);
    int base = 10;
    if (value.starts_with("0x")) {
        value.remove_prefix(2);
        base = 16;
    }
    std::uint32_t n = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n, base);
    if (error != std::errc() || end == value.data())
        return std::nullopt;
    return n;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return lines;
}

void set_field(QuorumStatus& status, std::string_view key, std::string_view value) {
    static const std::map<std::string_view, std::optional<std::uint32_t> QuorumStatus::*> numbers =
        {{"Nodes", &QuorumStatus::nodes},
         {"Node ID", &QuorumStatus::node_id},
         {"Expected votes", &QuorumStatus::expected_votes},
         {"Highest expected", &QuorumStatus::highest_expected},
         {"Total votes", &QuorumStatus::total_votes},
         {"Quorum", &QuorumStatus::quorum}};
    if (auto field = numbers.find(key); field != numbers.end())
        status.*(field->second) = number(value);
    else if (key == "Quorum provider")
        status.provider = value;
    else if (key == "Ring ID")
        status.ring_id = value;
    else if (key == "Quorate")
        status.quorate = value == "Yes";
    else if (key == "Flags") {
        std::istringstream words{std::string(value)};
        for (std::string word; words >> word;)
            status.flags.push_back(word);
    }
}

// "         1          1 node1 (local)", with a Qdevice column ("NR")
// before the name when the header has one.
std::optional<QuorumMember> member_row(std::string_view line, bool qdevice_column) {
    std::istringstream words{std::string(line)};
    std::string id, votes, qdevice, name, local;
    if (!(words >> id >> votes) || (qdevice_column && !(words >> qdevice)) || !(words >> name))
        return std::nullopt;
    words >> local;
    auto nodeid = number(id);
    auto vote_count = number(votes);
    if (!nodeid || !vote_count)
        return std::nullopt;
    return QuorumMember{*nodeid, *vote_count, name, local == "(local)"};
}

} // namespace

std::optional<QuorumStatus> parse_quorumtool_status(std::string_view text) {
    QuorumStatus status;
    bool in_members = false, qdevice_column = false;
    for (auto raw : lines_of(text)) {
        auto line = trim(raw);
        if (line.starts_with("Nodeid") && line.find("Name") != std::string_view::npos) {
            in_members = true;
            qdevice_column = line.find("Qdevice") != std::string_view::npos;
            continue;
        }
        if (in_members) {
            if (line.empty() || line.starts_with("---"))
                continue;
            if (auto member = member_row(line, qdevice_column))
                status.members.push_back(*member);
            else
                in_members = false;
            continue;
        }
        auto colon = line.find(':');
        if (colon != std::string_view::npos)
            set_field(status, trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    if (!status.quorate)
        return std::nullopt;
    return status;
}

// "nodelist.node.0.ring0_addr (str) = 198.18.0.11"
std::vector<LiveNode> parse_cmapctl_nodelist(std::string_view text) {
    std::map<std::uint32_t, LiveNode> nodes;
    constexpr std::string_view prefix = "nodelist.node.";
    for (auto line : lines_of(text)) {
        line = trim(line);
        if (!line.starts_with(prefix))
            continue;
        line.remove_prefix(prefix.size());
        auto dot = line.find('.');
        auto type = line.find(" (");
        auto equals = line.find(") = ");
        if (dot == std::string_view::npos || type == std::string_view::npos ||
            equals == std::string_view::npos || dot > type)
            continue;
        auto index = number(line.substr(0, dot));
        if (!index)
            continue;
        auto key = line.substr(dot + 1, type - dot - 1);
        auto value = line.substr(equals + 4);
        auto& node = nodes[*index];
        if (key == "name")
            node.name = value;
        else if (key == "nodeid")
            node.nodeid = number(value).value_or(0);
        else if (key.starts_with("ring") && key.ends_with("_addr")) {
            if (auto ring = number(key.substr(4, key.size() - 9)))
                node.ring_addresses[static_cast<int>(*ring)] = value;
        }
    }
    std::vector<LiveNode> out;
    out.reserve(nodes.size());
    for (auto& [index, node] : nodes)
        out.push_back(std::move(node));
    return out;
}

} // namespace pmxsnap::corosync
