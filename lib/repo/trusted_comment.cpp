#include "pmxsnap/repo/trusted_comment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace pmxsnap::repo {
namespace {

constexpr std::string_view prefix = "pmxsnap/1 ";

template <typename T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace

bool is_comment_safe(std::string_view value) {
    if (value.empty())
        return false;
    for (char c : value)
        if (c == ' ' || c == '=' || c == '\n' || c == '\r' || c == '\t' || c == '\0')
            return false;
    return true;
}

bool is_problem_id(std::string_view id) {
    if (id.empty() || id.size() > 40)
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string TrustedComment::format() const {
    auto text = fmt::format(
        "pmxsnap/1 cluster={} node={} db_version={} config_version={} state={} captured={} file={}",
        cluster, node, db_version, config_version ? std::to_string(*config_version) : "-", state,
        captured, file);
    if (!health.empty())
        text += " health=" + health + (problems.empty() ? "" : ":") +
                fmt::format("{}", fmt::join(problems, ","));
    if (authkey)
        text += " authkey=" + (authkey->empty() ? std::string("-") : *authkey);
    if (nodelist)
        text += " nodes=" + (nodelist->empty() ? std::string("-")
                                               : fmt::format("{}", fmt::join(*nodelist, ",")));
    return text;
}

std::string authkey_field(const std::string& sha256_hex) {
    return sha256_hex.substr(0, authkey_field_length);
}

std::optional<std::vector<std::string>> nodelist_field(const std::vector<std::string>& names) {
    std::size_t bytes = 0;
    for (const auto& name : names) {
        if (!is_comment_safe(name) || name == "-" || name.find(',') != std::string::npos)
            return std::nullopt;
        bytes += name.size() + 1;
    }
    if (bytes > max_nodelist_bytes)
        return std::nullopt;
    return names;
}

namespace {

// "good" or "bad:ID[,ID...]"; false for anything else.
bool parse_health(std::string_view text, TrustedComment& comment) {
    if (text == "good") {
        comment.health = "good";
        return true;
    }
    constexpr std::string_view bad = "bad:";
    if (!text.starts_with(bad))
        return false;
    comment.health = "bad";
    text.remove_prefix(bad.size());
    while (true) {
        auto comma = text.find(',');
        auto id = text.substr(0, comma);
        if (!is_problem_id(id))
            return false;
        comment.problems.emplace_back(id);
        if (comma == std::string_view::npos)
            return true;
        text.remove_prefix(comma + 1);
    }
}

bool parse_authkey(std::string_view text, TrustedComment& comment) {
    if (text == "-") {
        comment.authkey = "";
        return true;
    }
    if (text.size() != authkey_field_length || !std::all_of(text.begin(), text.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
        return false;
    comment.authkey = std::string(text);
    return true;
}

bool parse_nodelist(std::string_view text, TrustedComment& comment) {
    comment.nodelist.emplace();
    if (text == "-")
        return true;
    while (true) {
        auto comma = text.find(',');
        auto name = text.substr(0, comma);
        if (name.empty() || name == "-")
            return false;
        comment.nodelist->emplace_back(name);
        if (comma == std::string_view::npos)
            return true;
        text.remove_prefix(comma + 1);
    }
}

} // namespace

std::optional<TrustedComment> TrustedComment::parse(std::string_view text) {
    const std::string_view original = text;
    if (!text.starts_with(prefix))
        return std::nullopt;
    text.remove_prefix(prefix.size());
    std::map<std::string_view, std::string_view> fields;
    while (!text.empty()) {
        auto space = text.find(' ');
        auto pair = text.substr(0, space);
        auto equals = pair.find('=');
        if (equals == std::string_view::npos || equals == 0)
            return std::nullopt;
        if (!fields.emplace(pair.substr(0, equals), pair.substr(equals + 1)).second)
            return std::nullopt;
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    }
    static constexpr std::string_view keys[] = {
        "cluster", "node", "db_version", "config_version", "state", "captured", "file"};
    bool has_health = fields.contains("health");
    bool has_authkey = fields.contains("authkey");
    bool has_nodes = fields.contains("nodes");
    if (fields.size() !=
        std::size(keys) + (has_health ? 1 : 0) + (has_authkey ? 1 : 0) + (has_nodes ? 1 : 0))
        return std::nullopt;
    for (auto key : keys)
        if (!fields.contains(key) || !is_comment_safe(fields[key]))
            return std::nullopt;
    TrustedComment comment;
    comment.cluster = fields["cluster"];
    comment.node = fields["node"];
    auto db_version = parse_number<std::int64_t>(fields["db_version"]);
    if (!db_version)
        return std::nullopt;
    comment.db_version = *db_version;
    if (fields["config_version"] != "-") {
        comment.config_version = parse_number<std::uint64_t>(fields["config_version"]);
        if (!comment.config_version)
            return std::nullopt;
    }
    comment.state = fields["state"];
    comment.captured = fields["captured"];
    comment.file = fields["file"];
    if (has_health &&
        (!is_comment_safe(fields["health"]) || !parse_health(fields["health"], comment)))
        return std::nullopt;
    if (has_authkey &&
        (!is_comment_safe(fields["authkey"]) || !parse_authkey(fields["authkey"], comment)))
        return std::nullopt;
    if (has_nodes &&
        (!is_comment_safe(fields["nodes"]) || !parse_nodelist(fields["nodes"], comment)))
        return std::nullopt;
    // Exactly the form format() writes: no field order, leading zero or sign
    // of its own (found by fuzz_trusted_comment: "db_version=026" was read as
    // 26, so two different signed lines meant the same index).
    if (comment.format() != original)
        return std::nullopt;
    return comment;
}

std::string placement_problem(const TrustedComment& comment, const std::filesystem::path& archive) {
    auto name = archive.filename().string();
    if (comment.file != name)
        return "signed for file " + comment.file + ", but this file is " + name +
               " (renamed or replaced)";
    auto node_dir = archive.parent_path();
    auto cluster_dir = node_dir.parent_path();
    if (node_dir.filename() != comment.node || cluster_dir.filename() != comment.cluster)
        return "signed for " + comment.cluster + "/" + comment.node + ", but it lies in " +
               cluster_dir.filename().string() + "/" + node_dir.filename().string() + " (moved)";
    return "";
}

} // namespace pmxsnap::repo
