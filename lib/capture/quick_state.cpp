#include "pmxsnap/capture/quick_state.hpp"

#include "pmxsnap/capture/capture.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <fmt/format.h>

#include <ctime>

namespace pmxsnap::capture {
namespace {

void field(Sha256& digest, const std::string& value) {
    digest.update(value);
    digest.update(std::string_view("\0", 1));
}

constexpr std::int64_t settle_seconds = 2;

std::string file_identity(const host::Host& host, const std::string& path, bool& settled) {
    auto facts = host.facts(path, host::Host::Links::follow);
    if (!facts)
        return "absent";
    if (facts->mtime > static_cast<std::int64_t>(std::time(nullptr)) - settle_seconds)
        settled = false;
    return facts->identity;
}

} // namespace

std::optional<QuickState> quick_state(const host::Host& host, const QuickStateOptions& options) {
    auto conf = host.read_text_if_exists(host::paths::corosync_conf);
    if (!conf)
        return std::nullopt;
    auto parsed = corosync::parse_config(*conf);
    if (!parsed.ok() || parsed.config->cluster_name.empty())
        return std::nullopt;

    Sha256 digest;
    field(digest, "pmxsnap-quick/1");
    field(digest, std::string("pmxsnap ") + PMXSNAP_VERSION); // a new version may capture more
    field(digest, options.encrypting ? "encrypted" : "plain");
    field(digest, options.include_authkey ? "authkey" : "no-authkey");
    field(digest, profile_json(options.profile, {}).dump());
    std::string db = host::paths::config_db;
    bool settled = true;
    for (const auto& path : {db, db + "-wal"})
        field(digest, path + "=" + file_identity(host, path, settled));
    auto files = node_local_files(host, options.profile, options.include_authkey);
    if (options.profile.has("apt")) // what the generated package list is read from
        for (const char* state : {"/var/lib/dpkg/status", "/var/lib/apt/extended_states"})
            field(digest, fmt::format("{}={}", state, file_identity(host, state, settled)));
    for (const auto& path : files) {
        auto facts = host.facts(path, host::Host::Links::follow);
        field(digest, path);
        if (!facts || !facts->is_regular) {
            field(digest, "absent");
            continue;
        }
        field(digest, fmt::format("{:o}:{}:{}", facts->mode, facts->uid, facts->gid));
        field(digest, sha256_hex(read_file(host.resolve(path), 4 << 20)));
    }
    return QuickState{parsed.config->cluster_name, host.node_name(), digest.finish_hex(), settled};
}

} // namespace pmxsnap::capture
