// The member names an archive may hold, and the one check every reader runs
// on a name before using it: relative, no "." or ".." components, no empty
// components, under one of the known top-level folders. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap::archive {

inline constexpr std::string_view manifest_member = "MANIFEST.json";
inline constexpr std::string_view db_member = "db/config.db";
inline constexpr std::string_view pve_prefix = "pve/";
inline constexpr std::string_view host_prefix = "host/";
// The two copies of corosync.conf: the node's own, and the cluster's master
// copy pmxcfs keeps in /etc/pve.
inline constexpr std::string_view corosync_conf_member = "host/etc/corosync/corosync.conf";
inline constexpr std::string_view pve_corosync_conf_member = "pve/corosync.conf";
inline bool is_corosync_conf_member(std::string_view path) {
    return path == corosync_conf_member || path == pve_corosync_conf_member;
}

// nullopt when the name is acceptable, else why not ("absolute path", ...).
std::optional<std::string> member_path_problem(std::string_view path);

// "pve/storage.cfg" for the /etc/pve path "storage.cfg"; "host/etc/hosts" for "/etc/hosts".
std::string pve_member_path(std::string_view pve_relative);
std::string host_member_path(std::string_view absolute_host_path);
// The inverse: "/etc/hosts" for "host/etc/hosts" (the name must be under host/).
std::string host_path_of_member(std::string_view host_member);

} // namespace pmxsnap::archive
