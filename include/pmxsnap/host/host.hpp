// Host: the Proxmox node as pmxsnap sees it through --root. Every host path
// (/etc/pve's db, /etc/corosync, /etc/hostname, ...) resolves under the root,
// so every command runs unchanged against a fixture tree or a disk mounted in
// a rescue system. The clock lives here too (SOURCE_DATE_EPOCH pins it).
// Throws pmxsnap::Error naming the path.
#pragma once

#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/time.hpp"

#include <sys/types.h>

#include <optional>
#include <string>

namespace pmxsnap::host {

// Well-known host paths (absolute, as on a live node).
namespace paths {
inline constexpr const char* config_db = "/var/lib/pve-cluster/config.db";
inline constexpr const char* pve_mount = "/etc/pve";
inline constexpr const char* corosync_conf = "/etc/corosync/corosync.conf";
inline constexpr const char* corosync_authkey = "/etc/corosync/authkey";
inline constexpr const char* hostname = "/etc/hostname";
inline constexpr const char* hosts = "/etc/hosts";
} // namespace paths

struct FileFacts {
    mode_t mode = 0; // permission bits only
    uid_t uid = 0;
    gid_t gid = 0;
    std::int64_t size = 0;
    std::int64_t mtime = 0;
    // Which file and which change of it: any write moves ctime, any
    // replacement moves the inode (what --if-changed's quick check compares).
    std::string identity; // "dev:inode:size:mtime_ns:ctime_ns"
    bool is_regular = false;
    bool is_directory = false;
    bool is_symlink = false;
};

class Host {
  public:
    explicit Host(fs::path root = "/");

    const fs::path& root() const { return root_; }
    bool is_live() const { return root_ == "/"; }

    // /etc/hostname → <root>/etc/hostname
    fs::path resolve(const fs::path& host_path) const;

    std::optional<std::string> read_text_if_exists(const fs::path& host_path) const;
    enum class Links { follow, describe };
    // stat (follow) or lstat (describe); nullopt when missing.
    std::optional<FileFacts> facts(const fs::path& host_path, Links links = Links::describe) const;

    // The node name Proxmox uses: the first label of the hostname, from
    // <root>/etc/hostname (the live kernel's name when that file is missing
    // on a live host).
    std::string node_name() const;

    // Seconds since the epoch: SOURCE_DATE_EPOCH when set (reproducible
    // archives), else the real clock.
    UnixSeconds now() const;
    bool clock_is_pinned() const;

  private:
    fs::path root_;
};

} // namespace pmxsnap::host
