// Paths as the operator knows them: a member "pve/storage.cfg" is shown as
// /etc/pve/storage.cfg, "host/etc/hosts" as /etc/hosts, in every table of the
// diff; and --path patterns, matched against those names and what lies under.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::diff {

// "/etc/pve/storage.cfg" for "pve/storage.cfg", "/etc/hosts" for
// "host/etc/hosts", "/etc/pve" for "pve"; any other member name as it is.
std::string shown_path(std::string_view member);

// Under /etc/pve.
bool is_pve_member(std::string_view member);

// What `restore file` puts back (so what --expect-digest is shown for): an
// /etc/pve path or a node-local configuration file (corosync.conf,
// hostname, hosts, resolv.conf, network/interfaces(.d)).
bool is_restorable_by_file(std::string_view member);

// --path GLOBs. A pattern matches a path given as the operator knows it
// ("/etc/pve/nodes/pve1/qemu-server/*", "/etc/hosts"), through the links
// pmxcfs makes to the node's own directory ("/etc/pve/qemu-server/100.conf",
// "/etc/pve/local/host.fw", for the nodes given), relative to /etc/pve
// ("nodes/pve3/"), or as the member name ("pve/storage.cfg"); one that names
// a directory, with or without a trailing slash, matches what is under it.
class PathSelection {
  public:
    PathSelection(std::vector<std::string> globs, std::vector<std::string> nodes);

    bool everything() const { return globs_.empty(); }
    // Whether the member is selected; counts the match for every pattern that
    // selects it.
    bool select(std::string_view member);
    // The patterns that selected nothing so far, as given.
    std::vector<std::string> unmatched() const;

  private:
    struct Glob {
        std::string given;
        std::string pattern; // trailing slashes dropped
        std::size_t matches = 0;
    };
    std::vector<Glob> globs_;
    std::vector<std::string> nodes_;
};

} // namespace pmxsnap::diff
