#include "post_command.hpp"

#include <chrono>

namespace pmxsnap::snapshot {

PostCommandRun run_post_command(const std::string& command, const fs::path& repo,
                                const SnapshotResult& result) {
    auto health = result.health ? result.health->verdict : std::string("unknown");
    host::ChildSpec spec{{"/bin/sh", "-c", command},
                         {"PMXSNAP_ARCHIVE=" + fs::absolute(result.archive).string(),
                          "PMXSNAP_SIGNATURE=" + fs::absolute(result.signature).string(),
                          "PMXSNAP_REPO=" + fs::absolute(repo).string(),
                          "PMXSNAP_CLUSTER=" + result.cluster, "PMXSNAP_NODE=" + result.node,
                          "PMXSNAP_WRITTEN=" + std::string(result.written ? "1" : "0"),
                          "PMXSNAP_HEALTH=" + health,
                          "PMXSNAP_DB_VERSION=" + std::to_string(result.db_version)},
                         "",
                         true};
    auto started = std::chrono::steady_clock::now();
    // No bound of pmxsnap's own: a first restic backup may take long; the
    // service's TimeoutStartSec= bounds it under systemd.
    auto exit = host::Child(spec).wait(std::nullopt);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    return {exit, took.count()};
}

} // namespace pmxsnap::snapshot
