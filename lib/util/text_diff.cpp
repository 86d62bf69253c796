#include "pmxsnap/util/text_diff.hpp"

#include "pmxsnap/util/json_name.hpp"

#include <dtl/dtl.hpp>
#include <sstream>
#include <vector>

namespace pmxsnap {
namespace {

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        lines.emplace_back(text.substr(0, end));
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

// Beyond this, a line diff costs more memory than it is worth to a reader.
constexpr std::size_t max_lines_for_line_diff = 200'000;

} // namespace

bool looks_binary(std::string_view content) {
    return content.find('\0') != std::string_view::npos;
}

std::string unified_diff(std::string_view before, std::string_view after, const std::string& path) {
    if (before == after)
        return {};
    auto a = lines_of(before), b = lines_of(after);
    std::ostringstream out;
    // git's form: "a/etc/pve/storage.cfg" for /etc/pve/storage.cfg; the name
    // escaped, never its raw bytes on a terminal.
    auto shown = escape_name(path);
    auto a_name = (path.starts_with('/') ? "a" : "a/") + shown;
    auto b_name = (path.starts_with('/') ? "b" : "b/") + shown;
    out << "--- " << a_name << "\n+++ " << b_name << "\n";
    if (a.size() + b.size() > max_lines_for_line_diff) {
        out << "(" << a.size() << " → " << b.size() << " lines: too long for a line diff)\n";
        return out.str();
    }
    dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
    if (a.size() + b.size() > 20'000)
        diff.onHuge();
    diff.compose();
    diff.composeUnifiedHunks();
    diff.printUnifiedFormat(out);
    bool before_ends = before.empty() || before.back() == '\n';
    bool after_ends = after.empty() || after.back() == '\n';
    if (before_ends != after_ends)
        out << "\\ No newline at end of " << (after_ends ? a_name : b_name) << "\n";
    return out.str();
}

} // namespace pmxsnap
