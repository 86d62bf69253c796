#include "pmxsnap/util/config_file.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/text.hpp"

#include <algorithm>

namespace pmxsnap {
namespace {

struct Location {
    const std::string& name;
    int line;
};

[[noreturn]] void refuse(const Location& at, const std::string& why) {
    fail("{}:{}: {}", at.name, at.line, why);
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool is_name(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_name_char);
}

// What follows a value must be nothing or a comment.
void expect_end(std::string_view rest, const Location& at) {
    rest = trim_blanks(rest);
    if (!rest.empty() && rest.front() != '#' && rest.front() != ';')
        refuse(at, fmt::format("unexpected '{}' after the value", rest));
}

// A "double" or 'single' quoted value, taken literally (no escapes); returns
// the value and leaves `text` after the closing quote.
std::string take_quoted(std::string_view& text, const Location& at) {
    char quote = text.front();
    auto close = text.find(quote, 1);
    if (close == std::string_view::npos)
        refuse(at, fmt::format("the value opened with {} is not closed on this line", quote));
    std::string value(text.substr(1, close - 1));
    text.remove_prefix(close + 1);
    return value;
}

// ["a", "b", c]: quoted or bare items separated by commas.
std::vector<std::string> take_list(std::string_view text, const Location& at) {
    std::vector<std::string> items;
    text.remove_prefix(1);
    while (true) {
        text = trim_blanks(text);
        if (text.empty())
            refuse(at, "the list opened with [ is not closed on this line");
        if (text.front() == ']' && items.empty()) {
            text.remove_prefix(1);
            break;
        }
        if (text.front() == '"' || text.front() == '\'') {
            items.push_back(take_quoted(text, at));
        } else {
            auto end = text.find_first_of(",]");
            if (end == std::string_view::npos)
                refuse(at, "the list opened with [ is not closed on this line");
            items.emplace_back(trim_blanks(text.substr(0, end)));
            text.remove_prefix(end);
        }
        text = trim_blanks(text);
        if (!text.empty() && text.front() == ',') {
            text.remove_prefix(1);
            continue;
        }
        if (!text.empty() && text.front() == ']') {
            text.remove_prefix(1);
            break;
        }
        refuse(at, "expected , or ] in the list");
    }
    expect_end(text, at);
    return items;
}

// A bare value runs to the end of the line or to a comment; inner blanks
// are kept, so `note = after the upgrade` is the whole phrase.
std::vector<std::string> parse_values(std::string_view text, const Location& at) {
    text = trim_blanks(text);
    if (text.empty())
        refuse(at, "no value after =");
    if (text.front() == '[')
        return take_list(text, at);
    if (text.front() == '"' || text.front() == '\'') {
        auto value = take_quoted(text, at);
        expect_end(text, at);
        return {value};
    }
    auto comment = text.find('#');
    auto value = trim_blanks(text.substr(0, comment));
    if (value.empty())
        refuse(at, "no value after =");
    return {std::string(value)};
}

class Collector {
  public:
    void section(std::string name, int line) {
        section_ = std::move(name);
        section_line_ = line;
    }
    void add(const std::string& key, const std::vector<std::string>& values, int line) {
        auto it = std::find_if(entries_.begin(), entries_.end(), [&](const ConfigEntry& e) {
            return e.section == section_ && e.key == key;
        });
        if (it == entries_.end())
            it = entries_.insert(entries_.end(), ConfigEntry{section_, key, section_line_, {}});
        for (const auto& value : values)
            it->values.push_back({value, line});
    }
    std::vector<ConfigEntry> take() { return std::move(entries_); }

  private:
    std::string section_;
    int section_line_ = 0;
    std::vector<ConfigEntry> entries_;
};

void parse_line(std::string_view line, const Location& at, Collector& out) {
    line = trim_blanks(line);
    if (line.empty() || line.front() == '#' || line.front() == ';')
        return;
    if (line.front() == '[') {
        auto close = line.find(']');
        if (close == std::string_view::npos)
            refuse(at, "a section line must end with ]");
        auto name = trim_blanks(line.substr(1, close - 1));
        if (!is_name(name))
            refuse(at, fmt::format("'{}' is not a section name (a command, e.g. [snapshot])",
                                   line.substr(0, close + 1)));
        expect_end(line.substr(close + 1), at);
        out.section(std::string(name), at.line);
        return;
    }
    auto equals = line.find('=');
    if (equals == std::string_view::npos)
        refuse(at, fmt::format("expected 'key = value', got '{}'", line));
    auto key = trim_blanks(line.substr(0, equals));
    if (!is_name(key))
        refuse(at, fmt::format("'{}' is not a key (an option's long name, e.g. repo)", key));
    out.add(std::string(key), parse_values(line.substr(equals + 1), at), at.line);
}

} // namespace

std::vector<ConfigEntry> parse_config_file(std::string_view text, const std::string& name) {
    if (text.find('\0') != std::string_view::npos)
        fail("{}: holds a NUL byte; not a text file", name);
    Collector out;
    int number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++number;
        parse_line(line, Location{name, number}, out);
    }
    return out.take();
}

} // namespace pmxsnap
