#include "pmxsnap/host/mounts.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"

#include <sstream>

namespace pmxsnap::host {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            auto digits = field.substr(i + 1, 3);
            if (digits.size() == 3 && digits.find_first_not_of("01234567") == std::string::npos) {
                out.push_back(static_cast<char>(std::stoi(std::string(digits), nullptr, 8)));
                i += 3;
                continue;
            }
        }
        out.push_back(field[i]);
    }
    return out;
}

bool has_option(const std::string& options, std::string_view option) {
    std::istringstream list(options);
    std::string item;
    while (std::getline(list, item, ','))
        if (item == option)
            return true;
    return false;
}

std::optional<Mount> parse_line(const std::string& line) {
    std::istringstream fields(line);
    std::vector<std::string> before, after;
    std::string field;
    bool separator = false;
    while (fields >> field) {
        if (!separator && field == "-") {
            separator = true;
            continue;
        }
        (separator ? after : before).push_back(field);
    }
    // id parent major:minor root mount-point options [optional...] - type source super
    if (!separator || before.size() < 6 || after.size() < 3)
        return std::nullopt;
    Mount mount;
    mount.id = before[0];
    mount.parent_id = before[1];
    mount.mount_point = unescape(before[4]);
    mount.fs_type = after[0];
    mount.source = unescape(after[1]);
    mount.read_only = has_option(before[5], "ro") || has_option(after[2], "ro");
    return mount;
}

} // namespace

std::vector<Mount> parse_mountinfo(std::string_view text) {
    std::vector<Mount> mounts;
    std::istringstream lines{std::string(text)};
    std::string line;
    while (std::getline(lines, line))
        if (auto mount = parse_line(line))
            mounts.push_back(std::move(*mount));
    return mounts;
}

std::optional<Mount> mount_at(const std::vector<Mount>& mounts, std::string_view mount_point) {
    std::optional<Mount> visible;
    for (const auto& mount : mounts)
        if (mount.mount_point == mount_point)
            visible = mount;
    return visible;
}

std::vector<Mount> current_mounts() {
    auto text = read_file_if_exists("/proc/self/mountinfo", 16u << 20);
    return text ? parse_mountinfo(*text) : std::vector<Mount>{};
}

std::vector<Mount> mounts_of_process(int pid) {
    std::optional<std::string> text;
    try {
        text = read_file_if_exists("/proc/" + std::to_string(pid) + "/mountinfo", 16u << 20);
    } catch (const Error&) {
        return {};
    }
    return text ? parse_mountinfo(*text) : std::vector<Mount>{};
}

} // namespace pmxsnap::host
