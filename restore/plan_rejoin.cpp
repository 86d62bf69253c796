// The rejoin of a rebuilt node of the same name (RECOVERY.md §2): the
// cluster side forgets the old node, this node gets its node-local files
// back, joins, and its identity is made whole again — by the archived
// private host keys when the archive holds them, else by the cleanup of the
// old keys wherever they are pinned.
#include "plan_context.hpp"

#include <fmt/format.h>

namespace pmxsnap::restore {
namespace {

// At most ten, and how many more: a plan is read, not grepped.
std::string listed(const std::vector<std::string>& items, const std::string& none) {
    if (items.empty())
        return none;
    constexpr std::size_t shown = 10;
    if (items.size() <= shown)
        return fmt::format("{}", fmt::join(items, "; "));
    return fmt::format("{}; and {} more", fmt::join(items.begin(), items.begin() + shown, "; "),
                       items.size() - shown);
}

std::string ring0_or(const PlanContext& c, const char* placeholder) {
    return c.ring0.empty() ? placeholder : c.ring0;
}

Step cluster_side_keys(const PlanContext& c, bool keys) {
    auto authorized = fmt::format("sed -i '/ root@{}$/d' /etc/pve/priv/authorized_keys", c.node);
    if (keys)
        return {healthy, authorized,
                "the reinstalled node's root key is new (its host keys come back from the "
                "archive, so every known_hosts keeps matching)",
                "`grep -c root@" + c.node + " /etc/pve/priv/authorized_keys` prints 0"};
    return {healthy,
            fmt::format("{} && ssh-keygen -f /etc/pve/priv/known_hosts -R {} && ssh-keygen -f "
                        "/etc/pve/priv/known_hosts -R {}",
                        authorized, c.node, ring0_or(c, "<ring0 address>")),
            "the archive holds no private host keys: the reinstalled node has new ones, and "
            "every known_hosts that pinned the old ones refuses it (\"Host key verification "
            "failed\"); its root key is new too",
            "`grep -c root@" + c.node + " /etc/pve/priv/authorized_keys` prints 0"};
}

Step install_files(const PlanContext& c, bool keys) {
    auto command =
        "pmxsnap restore apply " + c.archive_arg + " --host-files all --yes && ifreload -a";
    if (keys)
        command += " && systemctl restart ssh";
    return {here, command,
            keys ? "network (pinned NIC names), identity with the archived private host keys "
                   "(the node keeps its fingerprints), boot, apt sources, jobs, mail; each "
                   "replaced file kept as <file>.pmxsnap-<stamp>"
                 : "network (pinned NIC names), identity (hostname, hosts, resolv.conf; not the "
                   "host keys: their private halves are not archived), boot, apt sources, jobs, "
                   "mail; each replaced file kept as <file>.pmxsnap-<stamp>",
            fmt::format("`ip -br addr` shows {}", ring0_or(c, "the ring address"))};
}

} // namespace

std::vector<Step> rejoin_steps(const PlanContext& c) {
    bool keys = c.archive.private_host_keys;
    const auto& ha = c.archive.ha_mentions;
    const auto& replication = c.archive.replication_mentions;
    std::vector<Step> steps = {
        {healthy, "pvecm delnode " + c.node,
         "removes the old node from the nodelist (`cs_err_not_exist` for an offline node is "
         "harmless); keep /etc/pve/nodes/" +
             c.node + "/ until its guest configs are saved (the archive has them too)",
         "`pvecm nodes` no longer lists " + c.node},
        cluster_side_keys(c, keys),
        {healthy, "ha-manager status; pvesr list",
         fmt::format("remove {} from HA rules/groups and replication jobs first; the archive's "
                     "HA config: {}; its replication jobs: {}",
                     c.node, listed(ha, "none names " + c.node),
                     listed(replication, "none names " + c.node)),
         "neither mentions " + c.node},
        {here, "pmxsnap restore apply " + c.archive_arg + " --host-files all --dry-run",
         "a diff per node-local file against the fresh install, and the storage check: each "
         "fstab line's device, multipath WWID and the iSCSI initiator against this machine "
         "(storage files are never installed by all); never config.db or /etc/corosync/*: the "
         "join refuses a node that has an authkey, an /etc/pve/corosync.conf, or guests",
         "every fstab device present, or the line changed before --host-files storage"},
        install_files(c, keys),
        {here,
         fmt::format("cd / && pvecm add {}{}", c.peer,
                     c.ring0.empty() ? "" : " --link0 " + c.ring0),
         "the cluster sends corosync.conf and the authkey; this node's own db is backed up and "
         "replaced by the cluster's",
         "`pvecm status` is quorate with the expected votes"},
    };
    if (keys) {
        steps.push_back({here, "pvecm updatecerts", "only if SSH between nodes still fails",
                         "`ssh -o BatchMode=yes " + c.node + "` works from every node"});
    } else {
        steps.push_back({here, "pvecm updatecerts --force",
                         "writes this node's new host key into the cluster's known_hosts "
                         "(and nodes/" +
                             c.node + "/ssh_known_hosts) and its root key into authorized_keys",
                         "`ssh -o BatchMode=yes " + c.node + "` works from every node"});
        steps.push_back({"every other cluster node",
                         fmt::format("ssh-keygen -f /root/.ssh/known_hosts -R {} && ssh-keygen "
                                     "-f /root/.ssh/known_hosts -R {}",
                                     c.node, ring0_or(c, "<ring0 address>")),
                         "root's own known_hosts may pin the old host key as well",
                         "`ssh -o BatchMode=yes " + c.node + " true` asks nothing"});
    }
    steps.push_back(
        {here,
         fmt::format("pmxsnap restore file {} /etc/pve/nodes/{}/qemu-server/<vmid>.conf",
                     c.archive_arg, c.node),
         fmt::format("only if /etc/pve/nodes/{}/ was removed: put each guest config back, only "
                     "where its disks exist; the archive's guests of {}: {}",
                     c.node, c.node, listed(c.archive.guests, "none")),
         "`qm list` and `pct list` show the guests"});
    steps.push_back({here, "pvesm status",
                     "before starting any guest: every storage it uses is active here (the "
                     "storage check of the dry run), its disks exist (`qm config <vmid>`, "
                     "`pct config <vmid>`), and for PCI passthrough the IOMMU is on "
                     "(`dmesg | grep -e DMAR -e IOMMU`) with the archived boot settings",
                     "every storage active; each guest's disks listed by `pvesm list <storage>`"});
    return steps;
}

std::vector<std::string> rejoin_dangers(const PlanContext& c) {
    std::vector<std::string> dangers = {
        "the old install booting again means two nodes with one identity"};
    if (c.archive.private_host_keys)
        dangers.push_back("the archive holds " + c.node +
                          "'s private host keys: whoever has it and its age identity can "
                          "impersonate the node");
    else
        dangers.push_back("until the old host key is removed and `pvecm updatecerts --force` has "
                          "run, migrations and replication to and from " +
                          c.node + " fail (\"Host key verification failed\")");
    return dangers;
}

} // namespace pmxsnap::restore
