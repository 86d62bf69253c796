#include "pmxsnap/capture/node_profile.hpp"

#include "pmxsnap/util/error.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <regex>

namespace pmxsnap::capture {
namespace {

struct Pattern {
    std::string_view category;
    std::string_view glob; // a * or ? only in the last component
};

// The built-in profile, as pmxsnap-snapshot(1) lists it.
constexpr Pattern patterns[] = {
    {"network", "/etc/network/interfaces"},
    {"network", "/etc/network/interfaces.d/*"},
    {"network", "/etc/systemd/network/*.link"},
    {"network", "/etc/systemd/network/*.network"},
    {"network", "/usr/local/lib/systemd/network/*.link"},
    {"network", "/etc/udev/rules.d/*net*"},
    {"identity", "/etc/hostname"},
    {"identity", "/etc/hosts"},
    {"identity", "/etc/resolv.conf"},
    {"identity", "/etc/ssh/ssh_host_*.pub"},
    {"identity", "/etc/ssh/ssh_host_*_key"}, // with --include-host-keys only
    {"corosync", "/etc/corosync/corosync.conf"},
    {"corosync", "/etc/corosync/authkey"}, // with --include-authkey only
    {"storage", "/etc/fstab"},
    {"storage", "/etc/lvm/lvm.conf"},
    {"storage", "/etc/multipath.conf"},
    {"storage", "/etc/multipath/*"},
    {"storage", "/etc/iscsi/initiatorname.iscsi"},
    {"storage", "/etc/iscsi/iscsid.conf"},
    {"boot", "/etc/kernel/cmdline"},
    {"boot", "/etc/default/grub"},
    {"boot", "/etc/modules"},
    {"boot", "/etc/modules-load.d/*"},
    {"boot", "/etc/modprobe.d/*"},
    {"apt", "/etc/apt/sources.list"},
    {"apt", "/etc/apt/sources.list.d/*"},
    {"apt", apt_manual_path},
    {"jobs", "/etc/vzdump.conf"},
    {"jobs", "/etc/cron.d/*"},
    {"jobs", "/var/spool/cron/crontabs/root"},
    {"mail", "/etc/aliases"},
    {"mail", "/etc/postfix/main.cf"},
};

constexpr std::string_view private_host_keys = "/etc/ssh/ssh_host_*_key";

bool matches(std::string_view glob, std::string_view path) {
    auto name = path.substr(path.rfind('/') + 1);
    if (name.starts_with('.'))
        return false; // editors' and package managers' leftovers
    return ::fnmatch(std::string(glob).c_str(), std::string(path).c_str(), FNM_PATHNAME) == 0;
}

bool is_glob(std::string_view path) {
    return path.find_first_of("*?[") != std::string_view::npos;
}

bool is_category(std::string_view value) {
    return std::find(profile_categories.begin(), profile_categories.end(), value) !=
           profile_categories.end();
}

// Everything the profile may look at a path through: the patterns of the
// chosen categories and the include list. Private keys only when asked.
std::vector<std::pair<std::string, std::string>> globs_of(const NodeProfile& profile) {
    std::vector<std::pair<std::string, std::string>> globs;
    for (const auto& p : patterns) {
        if (!profile.has(p.category) || p.glob == apt_manual_path ||
            p.glob == "/etc/corosync/authkey" ||
            (p.glob == private_host_keys && !profile.host_keys))
            continue;
        globs.emplace_back(p.glob, p.category);
    }
    for (const auto& path : profile.include_paths)
        globs.emplace_back(path, category_of(path));
    return globs;
}

bool excluded(const NodeProfile& profile, std::string_view path) {
    return std::any_of(profile.exclude_paths.begin(), profile.exclude_paths.end(),
                       [&](const std::string& glob) { return matches(glob, path); });
}

} // namespace

bool NodeProfile::has(std::string_view category) const {
    return std::find(categories.begin(), categories.end(), category) != categories.end();
}

std::string NodeProfile::name() const {
    bool all = categories.size() == profile_categories.size();
    return all && include_paths.empty() && exclude_paths.empty() ? "default" : "custom";
}

std::string profile_path_problem(std::string_view path) {
    if (!path.starts_with('/'))
        return "not an absolute path";
    if (path.find("//") != std::string_view::npos || path.find("/./") != std::string_view::npos ||
        path.find("/../") != std::string_view::npos || path.ends_with("/.") ||
        path.ends_with("/..") || path.ends_with('/'))
        return "not a plain path (no //, . or .. components, no trailing /)";
    if (path.find_first_of(std::string_view("\0\n\\", 3)) != std::string_view::npos)
        return "holds a NUL, newline or backslash";
    auto directory = path.substr(0, path.rfind('/'));
    if (is_glob(directory))
        return "a wildcard only in the last component";
    bool under = false;
    for (std::string_view top : {"/etc/", "/usr/local/lib/systemd/", "/var/spool/cron/"})
        under = under || path.starts_with(top);
    if (!under)
        return "not under /etc, /usr/local/lib/systemd or /var/spool/cron";
    if (path == "/etc/pve" || path.starts_with("/etc/pve/"))
        return "/etc/pve is captured from config.db, never as host files";
    if (path == "/etc/corosync/authkey" || path.starts_with("/etc/shadow") ||
        path.starts_with("/etc/gshadow") || path.starts_with("/etc/ssh/ssh_host_"))
        return "a secret: the authkey and the private host keys have their own options "
               "(--include-authkey, --include-host-keys), and /etc/shadow is never captured";
    return {};
}

NodeProfile make_profile(const std::vector<std::string>& include,
                         const std::vector<std::string>& exclude) {
    NodeProfile profile;
    auto check = [](const std::string& value, const char* option) {
        if (is_category(value))
            return true;
        if (!value.starts_with('/'))
            fail("{} {}: not a category ({}) nor an absolute path", option, value,
                 fmt::join(profile_categories, ", "));
        if (auto why = profile_path_problem(value); !why.empty())
            fail("{} {}: {}", option, value, why);
        return false;
    };
    for (const auto& value : exclude) {
        if (!check(value, "exclude"))
            profile.exclude_paths.push_back(value);
        else if (value == "corosync")
            fail("exclude corosync: corosync.conf is always captured (health, diff and every "
                 "plan read it)");
        else
            std::erase(profile.categories, value);
    }
    for (const auto& value : include)
        if (!check(value, "include"))
            profile.include_paths.push_back(value);
        else if (!profile.has(value))
            fail("include {}: also excluded; a category is in the profile unless excluded", value);
    std::sort(profile.include_paths.begin(), profile.include_paths.end());
    std::sort(profile.exclude_paths.begin(), profile.exclude_paths.end());
    return profile;
}

std::string category_of(std::string_view host_path) {
    for (const auto& p : patterns)
        if (matches(p.glob, host_path))
            return std::string(p.category);
    return {};
}

bool is_profile_secret(std::string_view host_path) {
    return matches(private_host_keys, host_path) || host_path == "/etc/corosync/authkey" ||
           host_path == "/etc/iscsi/iscsid.conf";
}

bool holds_chap_credentials(std::string_view text) {
    static const std::regex chap(
        R"(^\s*[A-Za-z0-9_.]*auth\.(username|password)[A-Za-z_]*\s*=\s*\S)");
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string line(text.substr(0, end));
        if (std::regex_search(line, chap))
            return true;
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return false;
}

std::vector<ProfileFile> profile_files(const host::Host& host, const NodeProfile& profile) {
    std::map<std::string, std::string> found;
    for (const auto& [glob, category] : globs_of(profile)) {
        if (!is_glob(glob)) {
            auto facts = host.facts(glob, host::Host::Links::follow);
            if (!facts)
                continue;
            if (!facts->is_regular) {
                bool named = std::find(profile.include_paths.begin(), profile.include_paths.end(),
                                       glob) != profile.include_paths.end();
                if (named) // named by the include list: say so
                    fail("include {}: {} is not a regular file", glob, host.resolve(glob).string());
                continue;
            }
            if (!excluded(profile, glob))
                found.emplace(glob, category);
            continue;
        }
        auto directory = glob.substr(0, glob.rfind('/'));
        std::error_code ignored;
        for (const auto& item : fs::directory_iterator(host.resolve(directory), ignored)) {
            auto path = directory + "/" + item.path().filename().string();
            if (!matches(glob, path) || excluded(profile, path))
                continue;
            auto facts = host.facts(path, host::Host::Links::follow);
            if (facts && facts->is_regular) // devices, fifos, directories: never
                found.emplace(path, category.empty() ? category_of(path) : category);
        }
    }
    std::vector<ProfileFile> files;
    files.reserve(found.size());
    for (auto& [path, category] : found)
        files.push_back({path, category});
    return files;
}

nlohmann::json profile_json(const NodeProfile& profile, const std::vector<Withheld>& withheld) {
    nlohmann::json left_out = nlohmann::json::array();
    for (const auto& w : withheld)
        left_out.push_back({{"path", w.path}, {"reason", w.reason}});
    return {{"name", profile.name()},           {"categories", profile.categories},
            {"include", profile.include_paths}, {"exclude", profile.exclude_paths},
            {"host_keys", profile.host_keys},   {"withheld", left_out}};
}

NodeProfile recorded_profile(const std::string& text) {
    NodeProfile profile;
    if (text.empty())
        return profile;
    auto json = nlohmann::json::parse(text, nullptr, false);
    auto strings = [&](const char* key) {
        std::vector<std::string> out;
        auto it = json.find(key);
        if (it == json.end() || !it->is_array())
            fail("MANIFEST.json: profile.{}: expected an array", key);
        for (const auto& item : *it) {
            if (!item.is_string())
                fail("MANIFEST.json: profile.{}: expected strings", key);
            out.push_back(item.get<std::string>());
        }
        return out;
    };
    if (!json.is_object())
        fail("MANIFEST.json: profile: expected an object");
    profile.categories.clear();
    for (const auto& category : strings("categories"))
        if (is_category(category) && !profile.has(category))
            profile.categories.push_back(category);
    for (const auto& path : strings("include")) {
        if (auto why = profile_path_problem(path); !why.empty())
            fail("MANIFEST.json: profile.include {}: {}", path, why);
        profile.include_paths.push_back(path);
    }
    profile.exclude_paths = strings("exclude");
    auto keys = json.find("host_keys");
    profile.host_keys = keys != json.end() && keys->is_boolean() && keys->get<bool>();
    return profile;
}

} // namespace pmxsnap::capture
