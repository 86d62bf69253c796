// A reimplementation of corosync 3.1's config grammar, written from its
// observable behaviour (`corosync -t`) and coroparse.c's rules: hand-written
// because no library parses this format, and because the point is to fail
// exactly where corosync fails, with its words.
#include "pmxsnap/corosync/parser.hpp"

#include "key_rules.hpp"

#include "pmxsnap/corosync/limits.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <limits>

namespace pmxsnap::corosync {
namespace {

using detail::enumerated_key;
using detail::integer_key;
using detail::is_icmap_name;
using detail::parse_unsigned;
using detail::u32;
using detail::u64;

// corosync reads lines with fgets into char[512]: 510 characters and the
// newline fit, one more does not.
constexpr std::size_t max_line_length = 510;
// ICMAP_KEYNAME_MAXLEN: a section or key is refused when its parent's dotted
// path, its name and a dot reach 255 (the dot is counted at the top too).
constexpr std::size_t icmap_keyname_max = 255;

class Parser {
  public:
    Parser(std::string_view text, const Rules& rules)
        : text_(text)
        , nbsp_is_blank_(rules.nbsp_is_blank()) {
        config_.rules = rules;
    }

    ParseResult run() {
        while (next_line()) {
            if (auto error = handle_line())
                return {std::nullopt, error};
        }
        if (!sections_.empty())
            return {std::nullopt, ParseError{line_number_, "Missing closing brace"}};
        return {std::move(config_), std::nullopt};
    }

  private:
    bool is_blank(char c) const {
        return c == ' ' || c == '\t' || (nbsp_is_blank_ && static_cast<unsigned char>(c) == 0xA0);
    }

    // coroparse.c's remove_whitespace: blanks off both ends (and ':' and '{'
    // off the end when asked), never the first character that is left.
    std::string_view trim(std::string_view text, bool colon_and_brace = false) const {
        while (!text.empty() && is_blank(text.front()))
            text.remove_prefix(1);
        while (text.size() > 1 && (is_blank(text.back()) ||
                                   (colon_and_brace && (text.back() == ':' || text.back() == '{'))))
            text.remove_suffix(1);
        return text;
    }

    // Where the text after a '{' or ':' at `at` starts (coroparse.c's
    // strchr_rs). corosync ends the name one character before it: the
    // separator itself, or the last blank after it.
    std::size_t after_separator(std::size_t at) const {
        ++at;
        while (at < line_.size() && is_blank(line_[at]))
            ++at;
        return at;
    }

    bool path_too_long(std::string_view name) const {
        return raw_path_.size() + name.size() + 1 >= icmap_keyname_max;
    }

    bool next_line() {
        if (text_.empty())
            return false;
        auto newline = text_.find('\n');
        line_ = text_.substr(0, newline);
        text_.remove_prefix(newline == std::string_view::npos ? text_.size() : newline + 1);
        ++line_number_;
        too_long_ = line_.size() > max_line_length;
        // fgets + strlen: a NUL byte ends the line for corosync.
        line_ = line_.substr(0, line_.find('\0'));
        if (!line_.empty() && line_.back() == '\r')
            line_.remove_suffix(1);
        while (!line_.empty() && is_blank(line_.back()))
            line_.remove_suffix(1);
        return true;
    }

    std::optional<ParseError> error(std::string message) const {
        return ParseError{line_number_, std::move(message)};
    }

    std::string path_of(std::string_view key) const {
        std::string path;
        for (const auto& section : sections_)
            path += section + ".";
        return path + std::string(key);
    }

    std::optional<ParseError> handle_line() {
        if (too_long_)
            return error("Line too long");
        auto content = trim(line_);
        if (content.empty() || content.front() == '#')
            return std::nullopt;
        if (auto brace = line_.find('{'); brace != std::string_view::npos)
            return open_section(brace);
        if (auto colon = line_.find(':'); colon != std::string_view::npos)
            return add_item(colon);
        if (line_.find('}') != std::string_view::npos)
            return close_section(content);
        return error("Line is not opening or closing section or key value");
    }

    std::optional<ParseError> open_section(std::size_t brace) {
        auto rest = after_separator(brace);
        auto name = trim(line_.substr(0, rest - 1), true);
        if (name.empty())
            return error("Missing section name before opening bracket '{'");
        if (!trim(line_.substr(rest)).empty())
            return error("Extra characters after opening bracket '{'");
        if (path_too_long(name))
            return error("Start of section makes total cmap path too long");
        raw_lengths_.push_back(raw_path_.size());
        if (!raw_path_.empty())
            raw_path_ += '.';
        raw_path_ += name;
        std::string section(name);
        if (section == "node" && sections_.size() == 1 && sections_[0] == "nodelist") {
            section = "node." + std::to_string(config_.nodes.size());
            config_.nodes.push_back(Node{});
            config_.nodes.back().line = line_number_;
            current_node_ = &config_.nodes.back();
        }
        sections_.push_back(std::move(section));
        return std::nullopt;
    }

    std::optional<ParseError> close_section(std::string_view content) {
        if (content != "}")
            return error("Extra characters before or after closing bracket '}'");
        if (sections_.empty())
            return error("Unexpected closing brace");
        if (sections_.back().starts_with("node."))
            current_node_ = nullptr;
        sections_.pop_back();
        raw_path_.resize(raw_lengths_.back());
        raw_lengths_.pop_back();
        return std::nullopt;
    }

    std::optional<ParseError> add_item(std::size_t colon) {
        auto rest = after_separator(colon);
        auto key = trim(line_.substr(0, rest - 1), true);
        auto value = trim(line_.substr(rest));
        if (path_too_long(key))
            return error("New key makes total cmap path too long");
        auto path = path_of(key);
        if (!is_icmap_name(path))
            return error(fmt::format("Can't store key \"{}\" into icmap, returned error is "
                                     "CS_ERR_NAME_TOO_LONG",
                                     path));
        if (const auto* integer = integer_key(path);
            integer && !parse_unsigned(value, integer->max))
            return error(fmt::format("Value of key \"{}\" is expected to be integer in range "
                                     "(0..{}), but \"{}\" was given",
                                     path, integer->max, value));
        if (const auto* enumerated = enumerated_key(path)) {
            bool known = false;
            for (auto allowed : enumerated->allowed)
                known = known || allowed == value;
            if (!known)
                return error(std::string(enumerated->message));
        }
        config_.items.push_back({path, std::string(value), line_number_});
        apply(path, key, value);
        return std::nullopt;
    }

    void apply(const std::string& path, std::string_view key, std::string_view value) {
        if (current_node_ && sections_.size() == 2) {
            apply_node(key, value);
            return;
        }
        if (path == "totem.cluster_name")
            config_.cluster_name = value;
        else if (path == "totem.config_version")
            config_.config_version = parse_unsigned(value, u64);
        else if (path == "totem.transport")
            config_.transport = value;
        else if (path == "quorum.provider")
            config_.quorum.provider = value;
        else if (path == "quorum.expected_votes")
            config_.quorum.expected_votes = static_cast<std::uint32_t>(*parse_unsigned(value, u32));
        else if (path == "quorum.two_node")
            config_.quorum.two_node = value != "0";
        else if (path == "quorum.wait_for_all")
            config_.quorum.wait_for_all = value != "0";
        else if (path == "quorum.last_man_standing")
            config_.quorum.last_man_standing = value != "0";
    }

    void apply_node(std::string_view key, std::string_view value) {
        auto& node = *current_node_;
        if (key == "name")
            node.name = value;
        else if (key == "nodeid")
            node.nodeid = static_cast<std::uint32_t>(*parse_unsigned(value, u32));
        else if (key == "quorum_votes")
            node.quorum_votes = static_cast<std::uint32_t>(*parse_unsigned(value, u32));
        else if (key.starts_with("ring") && key.ends_with("_addr") && key.size() > 9) {
            if (auto ring = parse_unsigned(key.substr(4, key.size() - 9), 7))
                node.ring_addresses[static_cast<int>(*ring)] = value;
        }
    }

    std::string_view text_;
    bool nbsp_is_blank_;
    std::string raw_path_;                 // the sections' names as written, dotted
    std::vector<std::size_t> raw_lengths_; // raw_path_'s length before each open section
    std::string_view line_;
    bool too_long_ = false;
    int line_number_ = 0;
    std::vector<std::string> sections_;
    Config config_;
    Node* current_node_ = nullptr;
};

} // namespace

std::string ParseError::to_string(std::string_view file) const {
    if (line > 0)
        return fmt::format("{}:{}: {}", file, line, message);
    return fmt::format("{}: {}", file, message);
}

const Node* Config::find_node_by_name(std::string_view name) const {
    for (const auto& node : nodes)
        if (node.name == name)
            return &node;
    return nullptr;
}

const Node* Config::find_node_by_id(std::uint32_t nodeid) const {
    for (const auto& node : nodes)
        if (node.nodeid == nodeid)
            return &node;
    return nullptr;
}

std::optional<std::string> Config::value(std::string_view path) const {
    for (const auto& item : items)
        if (item.path == path)
            return item.value;
    return std::nullopt;
}

std::optional<Rules> Rules::of_version(std::string_view text) {
    auto digit = text.find_first_of("0123456789");
    if (digit == std::string_view::npos)
        return std::nullopt;
    text.remove_prefix(digit);
    Rules rules;
    int* parts[] = {&rules.major, &rules.minor, &rules.patch};
    for (std::size_t i = 0; i < 3; ++i) {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *parts[i]);
        if (ec != std::errc() || (i < 2 && (end == text.data() + text.size() || *end != '.')))
            return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()) + (i < 2 ? 1 : 0));
    }
    return rules;
}

std::string Rules::version() const {
    return fmt::format("{}.{}.{}", major, minor, patch);
}

RulesChoice choose_rules(const std::optional<std::string>& installed_corosync,
                         const std::optional<std::string>& debian_release) {
    if (installed_corosync)
        if (auto rules = Rules::of_version(*installed_corosync))
            return {*rules, "dpkg"};
    if (debian_release == "12")
        return {{3, 1, 7}, "os-release"};
    if (debian_release == "13")
        return {{3, 1, 9}, "os-release"};
    return {Rules{}, "default"};
}

ParseResult parse_config(std::string_view text, const Rules& rules) {
    // Every reader of corosync.conf (doctor, diff, inspect, snapshot) gets
    // the one limit here; those that read files also stop before reading.
    if (text.size() > max_conf_bytes)
        return {std::nullopt, ParseError{0, oversize_conf_meaning(text.size())}};
    return Parser(text, rules).run();
}

} // namespace pmxsnap::corosync
