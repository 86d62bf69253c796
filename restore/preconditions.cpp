#include "plan.hpp"

#include <fmt/format.h>

namespace pmxsnap::restore {
namespace {

using State = Precondition::State;

Precondition same_cluster(const ArchiveFacts& archive, const HostFacts& host) {
    const auto& cluster = archive.manifest.cluster;
    if (host.cluster.empty())
        return {State::unknown,
                fmt::format("the archive is of cluster {}; this host's corosync.conf names no "
                            "cluster (missing or unreadable)",
                            cluster),
                "check that this is the node the archive was taken on (hostname, addresses)"};
    if (host.cluster == cluster)
        return {State::ok, fmt::format("the archive is of this host's cluster ({})", cluster), ""};
    return {State::failed,
            fmt::format("the archive is of cluster {}, this host is in cluster {}", cluster,
                        host.cluster),
            "use an archive of this cluster (`pmxsnap list`); --force only if this host was "
            "reinstalled into a new cluster and the old one is gone"};
}

Precondition no_rollback(const ArchiveFacts& archive, const HostFacts& host) {
    auto archived = archive.manifest.db.root_version;
    if (!host.db.exists)
        return {State::ok,
                fmt::format("no live config.db: nothing newer to lose (archive db "
                            "version {})",
                            archived),
                ""};
    if (!host.db.root_version)
        return {State::ok,
                fmt::format("the live config.db is unreadable ({}): the archive's (version {}) "
                            "replaces it",
                            host.db.problem, archived),
                ""};
    if (*host.db.root_version <= archived)
        return {State::ok,
                fmt::format("the archive's db version {} is not older than the live db's {}",
                            archived, *host.db.root_version),
                ""};
    return {State::failed,
            fmt::format("the live config.db (version {}) is newer than the archive's ({}): "
                        "installing it forgets every later change",
                        *host.db.root_version, archived),
            "if the live db is good, do not restore it; take a newer archive (`pmxsnap list`), or "
            "--force when the live db is known bad despite its version"};
}

Precondition services_stopped(const HostFacts& host) {
    std::vector<std::string> running;
    running.reserve(host.services.size() + host.holders.size());
    for (const auto& p : host.services)
        running.push_back(fmt::format("{} (pid {})", p.name, p.pid));
    for (const auto& p : host.holders)
        running.push_back(fmt::format("{} (pid {}) holds {}", p.name, p.pid, p.holds));
    if (running.empty())
        return {State::ok, "pmxcfs and corosync are stopped; nothing holds /var/lib/pve-cluster",
                ""};
    return {State::failed, fmt::format("still running: {}", fmt::join(running, ", ")),
            "stop HA (pve-ha-lrm, pve-ha-crm), then `systemctl stop pve-cluster corosync`; "
            "--force only in a rescue system where these are not the node's"};
}

} // namespace

std::vector<Precondition> apply_preconditions(const ArchiveFacts& archive, const HostFacts& host) {
    return {same_cluster(archive, host), no_rollback(archive, host), services_stopped(host)};
}

bool Plan::preconditions_hold() const {
    for (const auto& p : preconditions)
        if (p.state == State::failed)
            return false;
    return true;
}

} // namespace pmxsnap::restore
