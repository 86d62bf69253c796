// Member names as the operator knows the files: "pve/storage.cfg" is
// /etc/pve/storage.cfg, "host/etc/corosync/corosync.conf" is
// /etc/corosync/corosync.conf, "db/config.db" is
// /var/lib/pve-cluster/config.db. Pure functions, both ways: every table
// that shows members to people uses them (ls, cat, snapshot --dry-run).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap::archive {

// The path a member stands for; the "host" folder itself stands for
// nothing the operator names (nullopt).
std::optional<std::string> operator_path(std::string_view member);

// The member an operator path names: "/etc/pve/x" → "pve/x", "/etc/hosts" →
// "host/etc/hosts"; a member name ("pve/x") is taken as it is; trailing
// slashes are dropped. "" for "/" (everything); nullopt for anything else
// (a relative path that is no member name).
std::optional<std::string> member_of(std::string_view path);

// A name for one line of text: control bytes, '\\' and non-UTF-8 as \xNN.
std::string printable(std::string_view name);

} // namespace pmxsnap::archive
