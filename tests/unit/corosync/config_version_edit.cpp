#include "config_version_edit.hpp"

#include "pmxsnap/corosync/parser.hpp"

namespace pmxsnap::corosync {

std::optional<std::string> with_config_version(std::string_view text, std::uint64_t version) {
    auto parsed = parse_config(text);
    if (!parsed.ok())
        return std::nullopt;
    int target = 0;
    for (const auto& item : parsed.config->items)
        if (item.path == "totem.config_version")
            target = item.line;
    if (target == 0)
        return std::nullopt;
    std::string out;
    int line = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        auto piece = text.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                      : end - start + 1);
        if (++line == target) {
            // Keep the indentation and the key as written; replace the value.
            auto colon = piece.find(':');
            auto value_start = piece.find_first_not_of(" \t", colon + 1);
            auto value_end = piece.find_last_not_of(" \t\r\n");
            out.append(piece.substr(0, value_start));
            out.append(std::to_string(version));
            out.append(piece.substr(value_end + 1));
        } else {
            out.append(piece);
        }
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return out;
}

} // namespace pmxsnap::corosync
