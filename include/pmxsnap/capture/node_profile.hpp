// The node profile: the node-local files a rebuilt node needs to come back
// as itself, in named categories (network, identity, corosync, storage,
// boot, apt, jobs, mail). pmxsnap.conf's [snapshot] include/exclude add and
// remove paths or whole categories; the manifest records the profile used
// ("profile"), so restore knows each archived file's category.
//
// Secrets among the files (the private SSH host keys, an iscsid.conf holding
// CHAP credentials) go only into encrypted archives: the private keys only
// when asked for (--include-host-keys), iscsid.conf whenever encrypting.
// Pure except profile_files and apt_manual_packages, which read through
// --root. Throws pmxsnap::Error naming the value or path.
#pragma once

#include "pmxsnap/host/host.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::capture {

inline constexpr std::array<std::string_view, 8> profile_categories = {
    "network", "identity", "corosync", "storage", "boot", "apt", "jobs", "mail"};

// The member that is no file of the host: the packages `apt-mark showmanual`
// would print, one per line, read from dpkg's status and apt's
// extended_states (so it works under --root). Category apt.
inline constexpr std::string_view apt_manual_path = "/var/lib/pmxsnap/apt-manual-packages";

struct NodeProfile {
    std::vector<std::string> categories{profile_categories.begin(), profile_categories.end()};
    std::vector<std::string> include_paths; // absolute, a * or ? only in the last component
    std::vector<std::string> exclude_paths;
    bool host_keys = false; // the private SSH host keys (encrypted archives only)

    bool has(std::string_view category) const;
    // "default" when nothing was added or removed, else "custom".
    std::string name() const;
};

// From the include and exclude values (pmxsnap.conf or --include/--exclude):
// each a category name or an absolute path under /etc, /usr/local/lib/systemd
// or /var/spool/cron, never /etc/pve, never a secret (the corosync authkey
// and the private host keys have their own options). Throws Error naming
// the value.
NodeProfile make_profile(const std::vector<std::string>& include,
                         const std::vector<std::string>& exclude);

// Why a path may not be in a profile; empty when it may.
std::string profile_path_problem(std::string_view path);

// The category a host path belongs to by the built-in patterns; "" for none.
std::string category_of(std::string_view host_path);

// Private SSH host keys, /etc/corosync/authkey, /etc/iscsi/iscsid.conf.
bool is_profile_secret(std::string_view host_path);

// Whether an iscsid.conf text holds a CHAP user name or password.
bool holds_chap_credentials(std::string_view iscsid_conf);

struct ProfileFile {
    std::string path;
    std::string category; // "" for a path only the include list names
};

// The profile's files that exist under --root as regular files, in path
// order; a path given explicitly (not a glob) that exists as something
// else (a device, a directory) is refused. Not the authkey (its own option)
// nor apt_manual_path (generated).
std::vector<ProfileFile> profile_files(const host::Host& host, const NodeProfile& profile);

// `apt-mark showmanual` from the state files under --root: installed
// packages (dpkg status "install ok installed") not marked Auto-Installed in
// apt's extended_states, sorted, one per line; nullopt without a dpkg status.
std::optional<std::string> apt_manual_packages(const host::Host& host);

// The manifest's "profile" object; withheld: {path, reason} of secrets left out.
struct Withheld {
    std::string path;
    std::string reason;
};
nlohmann::json profile_json(const NodeProfile& profile, const std::vector<Withheld>& withheld);

// The profile an archive's manifest recorded (its "profile" JSON text; empty:
// an archive from before profiles, which is taken as the default). Every
// include path is checked again: an archive is never trusted.
NodeProfile recorded_profile(const std::string& profile_json_text);

} // namespace pmxsnap::capture
