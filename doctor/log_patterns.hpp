// The corosync and pmxcfs log lines doctor knows, as corosync 3.1.7 and
// 3.1.9 and pmxcfs print them, each mapped to the check that explains it.
// Matching is case-insensitive ("Cannot initialize CMAP service" as pvecm
// prints it); each line counts for the first pattern it matches; the
// newest lines come first; a line that names a peer ("host: 2") names it.
// Pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::doctor {

struct LogPattern {
    const char* keyword; // lower case, a literal every matching line holds (a fast filter)
    const char* regex;   // ECMAScript, matched case-insensitively
    const char* explained_by;
    const char* meaning;
};

const std::vector<LogPattern>& log_patterns();

struct LogMatch {
    const LogPattern* pattern = nullptr;
    std::vector<std::string> lines; // newest first, at most 5
    std::size_t count = 0;          // every matching line
    std::vector<std::string> peers; // named by the lines ("node2"), newest first
};

// names: nodeid → node name, for the lines that give a nodeid.
std::vector<LogMatch> match_log(std::string_view log,
                                const std::map<std::uint32_t, std::string>& names);

} // namespace pmxsnap::doctor
