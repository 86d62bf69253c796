#include "pmxsnap/archive/operator_path.hpp"

#include "pmxsnap/archive/member_path.hpp"

#include <fmt/format.h>

namespace pmxsnap::archive {
namespace {

constexpr std::string_view pve_mount = "/etc/pve";
constexpr std::string_view db_folder = "/var/lib/pve-cluster";

bool is_under(std::string_view path, std::string_view folder) {
    return path == folder ||
           (path.starts_with(folder) && path.size() > folder.size() && path[folder.size()] == '/');
}

// Length of the UTF-8 sequence starting at text[i] when it is well formed, else 0.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    auto lead = byte(i);
    std::size_t n = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
    if (lead >= 0xf8 || n == 0 || i + n > text.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
    auto second = byte(i + 1);
    if ((lead == 0xe0 && second < 0xa0) || (lead == 0xed && second >= 0xa0) ||
        (lead == 0xf0 && second < 0x90) || (lead == 0xf4 && second >= 0x90))
        return 0;
    return n;
}

} // namespace

std::optional<std::string> operator_path(std::string_view member) {
    if (member == "pve")
        return std::string(pve_mount);
    if (member.starts_with(pve_prefix))
        return fmt::format("{}/{}", pve_mount, member.substr(pve_prefix.size()));
    if (member.starts_with(host_prefix))
        return host_path_of_member(member);
    if (member == "db")
        return std::string(db_folder);
    if (member.starts_with("db/"))
        return fmt::format("{}/{}", db_folder, member.substr(3));
    return std::nullopt;
}

std::optional<std::string> member_of(std::string_view path) {
    while (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    if (path == "/")
        return std::string();
    if (is_under(path, pve_mount))
        return "pve" + std::string(path.substr(pve_mount.size()));
    if (is_under(path, db_folder))
        return "db" + std::string(path.substr(db_folder.size()));
    if (path.starts_with('/'))
        return "host" + std::string(path);
    if (path == "pve" || path == "host" || path == "db" || path.starts_with(pve_prefix) ||
        path.starts_with(host_prefix) || path.starts_with("db/"))
        return std::string(path);
    return std::nullopt;
}

std::string printable(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        auto byte = static_cast<unsigned char>(name[i]);
        if (byte >= 0x80) {
            if (auto n = utf8_length(name, i)) {
                out.append(name.substr(i, n));
                i += n;
                continue;
            }
        }
        if (byte < 0x20 || byte == 0x7f || byte >= 0x80 || byte == '\\')
            out += fmt::format("\\x{:02x}", byte);
        else
            out += name[i];
        ++i;
    }
    return out;
}

} // namespace pmxsnap::archive
