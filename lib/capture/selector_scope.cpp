#include "pmxsnap/capture/selector_scope.hpp"

#include "pmxsnap/corosync/parser.hpp"

namespace pmxsnap::capture {

repo::SelectorScope selector_scope(const host::Host& host) {
    repo::SelectorScope scope;
    scope.cluster_source = host.resolve(host::paths::corosync_conf).string();
    if (auto text = host.read_text_if_exists(host::paths::corosync_conf)) {
        auto parsed = corosync::parse_config(*text);
        if (parsed.ok())
            scope.cluster = parsed.config->cluster_name;
    }
    scope.node = host.node_name();
    return scope;
}

} // namespace pmxsnap::capture
