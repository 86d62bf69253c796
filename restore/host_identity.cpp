#include "host_identity.hpp"

#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/util/error.hpp"

namespace pmxsnap::restore {
namespace {

std::string cluster_of(const host::Host& host) {
    auto text = host.read_text_if_exists(host::paths::corosync_conf);
    if (!text)
        return {};
    auto parsed = corosync::parse_config(*text);
    return parsed.ok() ? parsed.config->cluster_name : std::string();
}

std::string node_of(const host::Host& host) {
    try {
        return host.node_name();
    } catch (const Error&) {
        return {}; // no /etc/hostname under --root: nothing to compare with
    }
}

} // namespace

HostIdentity read_host_identity(const host::Host& host) {
    return {cluster_of(host), node_of(host)};
}

} // namespace pmxsnap::restore
