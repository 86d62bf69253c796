#include "pmxsnap/corosync/truncation.hpp"

#include "pmxsnap/corosync/parser.hpp"

#include <fmt/format.h>

namespace pmxsnap::corosync {

std::vector<TruncationEvidence> truncation_evidence(std::string_view text) {
    std::vector<TruncationEvidence> evidence;
    int depth = 0;
    for (char c : text)
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    auto parsed = parse_config(text);
    if (!parsed.ok() && parsed.error->message == "Missing closing brace")
        evidence.push_back({"ends-inside-section",
                            fmt::format("the file ends inside a section (line {}): typical of a "
                                        "file cut short",
                                        parsed.error->line)});
    else if (depth != 0)
        evidence.push_back({"unbalanced-braces", fmt::format("{} more '{{' than '}}'", depth)});
    if (!text.empty() && text.back() != '\n')
        evidence.push_back({"last-line-cut", "the last line has no newline: it may be cut"});
    return evidence;
}

std::vector<TruncationEvidence> truncation_evidence(std::string_view text, std::string_view other,
                                                    std::string_view other_name) {
    auto evidence = truncation_evidence(text);
    if (text.size() < other.size() && other.starts_with(text))
        evidence.push_back(
            {"prefix-of-other",
             fmt::format("this copy is the first {} of {} bytes of {}: it was cut short",
                         text.size(), other.size(), other_name)});
    auto mine = parse_config(text);
    auto theirs = parse_config(other);
    if (mine.ok() && theirs.ok() && mine.config->config_version &&
        mine.config->config_version == theirs.config->config_version &&
        mine.config->nodes.size() < theirs.config->nodes.size())
        evidence.push_back({"shorter-nodelist",
                            fmt::format("{} nodes here, {} in {} with the same config_version {}",
                                        mine.config->nodes.size(), theirs.config->nodes.size(),
                                        other_name, *mine.config->config_version)});
    return evidence;
}

} // namespace pmxsnap::corosync
