#include "host_files.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/capture/node_profile.hpp"
#include "pmxsnap/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace pmxsnap::restore {
namespace {

using capture::profile_categories;

// The category of an archived host path: the built-in patterns, else
// "include" for a path the archive's profile added (checked as a profile
// path again); empty for anything else, which is never installed.
std::string category_of_member(const capture::NodeProfile& profile, const std::string& path) {
    if (auto category = capture::category_of(path); !category.empty())
        return category;
    if (!capture::profile_path_problem(path).empty())
        return {};
    for (const auto& glob : profile.include_paths)
        if (glob == path || (glob.find_first_of("*?[") != std::string::npos &&
                             fs::path(glob).parent_path() == fs::path(path).parent_path()))
            return "include";
    return {};
}

std::string why_not(const std::string& category, const std::string& path,
                    const std::string& archive) {
    if (category == "storage")
        return "storage: never installed by `all`; review the storage check, then --host-files "
               "storage";
    if (path == "/etc/corosync/corosync.conf")
        return fmt::format("a joining node gets it from the cluster; to repair this node's copy: "
                           "`pmxsnap restore file {} {}`",
                           archive, path);
    if (category == "corosync")
        return "a joining node gets it from the cluster; --host-files corosync installs it";
    return fmt::format("category {} not asked for", category.empty() ? "none" : category);
}

} // namespace

std::vector<std::string> parse_host_categories(const std::string& list) {
    std::set<std::string> chosen;
    std::string_view rest = list;
    while (true) {
        auto comma = rest.find(',');
        std::string item(rest.substr(0, comma));
        bool known = std::find(profile_categories.begin(), profile_categories.end(), item) !=
                     profile_categories.end();
        if (item == "all") {
            for (auto category : profile_categories)
                if (category != "storage" && category != "corosync")
                    chosen.emplace(category);
            chosen.emplace("include");
        } else if (known) {
            chosen.insert(item);
        } else {
            fail("--host-files {}: '{}' is not a category ({}, or all: every one but storage and "
                 "corosync)",
                 list, item, fmt::join(profile_categories, ", "));
        }
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    std::vector<std::string> out;
    for (auto category : profile_categories)
        if (chosen.count(std::string(category)))
            out.emplace_back(category);
    if (chosen.count("include"))
        out.emplace_back("include");
    return out;
}

HostFileChoice choose_host_files(const archive::Manifest& manifest, const host::Host& host,
                                 const std::vector<std::string>& categories,
                                 const std::string& archive_argument) {
    auto profile = capture::recorded_profile(manifest.profile_json);
    auto wanted = [&](const std::string& category) {
        return std::find(categories.begin(), categories.end(), category) != categories.end();
    };
    HostFileChoice choice;
    for (const auto& m : manifest.members) {
        if (m.is_directory || !m.path.starts_with(archive::host_prefix))
            continue;
        auto path = archive::host_path_of_member(m.path);
        auto category = category_of_member(profile, path);
        if (path == capture::apt_manual_path) {
            if (wanted("apt"))
                choice.left_out.push_back(fmt::format(
                    "{} (the manually installed packages, no file of the node: `apt-get install "
                    "$(pmxsnap cat {} {})`)",
                    path, archive_argument, path));
            continue;
        }
        if (category.empty()) {
            choice.left_out.push_back(path + " (in no category of the archive's profile)");
            continue;
        }
        if (!wanted(category)) {
            choice.left_out.push_back(
                fmt::format("{} ({})", path, why_not(category, path, archive_argument)));
            continue;
        }
        // A public host key without its private half would not match the
        // key sshd serves: the pair goes back together or not at all.
        if (path.starts_with("/etc/ssh/ssh_host_") && path.ends_with(".pub") &&
            !manifest.find(m.path.substr(0, m.path.size() - 4))) {
            choice.left_out.push_back(path + " (its private half is not archived: the node keeps "
                                             "its new host key)");
            continue;
        }
        choice.install[m.path] = host.resolve(path);
    }
    return choice;
}

} // namespace pmxsnap::restore
