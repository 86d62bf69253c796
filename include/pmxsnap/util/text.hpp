// Small text helpers shared by the line-based parsers (PVE section config,
// age key files). Never throw.
#pragma once

#include <string_view>

namespace pmxsnap {

// Without leading and trailing blanks (space, tab) and carriage returns, so
// a CRLF line reads like an LF one.
inline std::string_view trim_blanks(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

} // namespace pmxsnap
