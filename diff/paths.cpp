#include "paths.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/capture/capture.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

namespace pmxsnap::diff {
namespace {

constexpr std::string_view pve_mount = "/etc/pve";

// The names one member answers to: as shown, as the member, for /etc/pve
// entries relative to /etc/pve, and under the links pmxcfs makes to the
// node's own directory (/etc/pve/local, /etc/pve/qemu-server, lxc, openvz).
std::vector<std::string> names_of(std::string_view member, const std::vector<std::string>& nodes) {
    std::vector<std::string> names{shown_path(member), std::string(member)};
    if (!member.starts_with(archive::pve_prefix))
        return names;
    auto relative = member.substr(archive::pve_prefix.size());
    names.emplace_back(relative);
    for (const auto& node : nodes) {
        auto own = "nodes/" + node;
        if (node.empty() || !relative.starts_with(own) ||
            (relative.size() > own.size() && relative[own.size()] != '/'))
            continue;
        auto rest = relative.substr(own.size()); // "" or "/qemu-server/100.conf"
        names.push_back(fmt::format("{}/local{}", pve_mount, rest));
        for (std::string_view link : {"/qemu-server", "/lxc", "/openvz"})
            if (rest.starts_with(link) && (rest.size() == link.size() || rest[link.size()] == '/'))
                names.push_back(fmt::format("{}{}", pve_mount, rest));
        break;
    }
    return names;
}

// The pattern matches the name or a directory the name lies under.
bool matches(const std::string& pattern, const std::string& name) {
    if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0)
        return true;
    if (name.starts_with('/') && ::fnmatch(pattern.c_str(), "/", 0) == 0)
        return true; // "/" is the directory every shown path is under
    for (auto slash = name.find('/', 1); slash != std::string::npos;
         slash = name.find('/', slash + 1))
        if (::fnmatch(pattern.c_str(), name.substr(0, slash).c_str(), 0) == 0)
            return true;
    return false;
}

} // namespace

std::string shown_path(std::string_view member) {
    auto pve_dir = archive::pve_prefix.substr(0, archive::pve_prefix.size() - 1);
    auto host_dir = archive::host_prefix.substr(0, archive::host_prefix.size() - 1);
    if (member == pve_dir)
        return std::string(pve_mount);
    if (member.starts_with(archive::pve_prefix))
        return std::string(pve_mount) + "/" +
               std::string(member.substr(archive::pve_prefix.size()));
    if (member == host_dir)
        return "/";
    if (member.starts_with(archive::host_prefix))
        return archive::host_path_of_member(member);
    return std::string(member);
}

bool is_pve_member(std::string_view member) {
    return member.starts_with(archive::pve_prefix);
}

bool is_restorable_by_file(std::string_view member) {
    if (is_pve_member(member))
        return true;
    return member.starts_with(archive::host_prefix) &&
           capture::is_node_local_config(archive::host_path_of_member(member));
}

PathSelection::PathSelection(std::vector<std::string> globs, std::vector<std::string> nodes)
    : nodes_(std::move(nodes)) {
    for (auto& given : globs) {
        auto pattern = given;
        while (pattern.size() > 1 && pattern.back() == '/')
            pattern.pop_back();
        globs_.push_back({std::move(given), std::move(pattern), 0});
    }
}

bool PathSelection::select(std::string_view member) {
    if (globs_.empty())
        return true;
    auto names = names_of(member, nodes_);
    bool any = false;
    for (auto& glob : globs_)
        for (const auto& name : names)
            if (matches(glob.pattern, name)) {
                ++glob.matches;
                any = true;
                break;
            }
    return any;
}

std::vector<std::string> PathSelection::unmatched() const {
    std::vector<std::string> out;
    for (const auto& glob : globs_)
        if (glob.matches == 0)
            out.push_back(glob.given);
    return out;
}

} // namespace pmxsnap::diff
