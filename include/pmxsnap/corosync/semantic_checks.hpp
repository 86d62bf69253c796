// Checks beyond syntax on a parsed corosync.conf. Errors are what corosync
// itself refuses at start (in its words, so they match its log); warnings
// are what it accepts but a Proxmox cluster should not have (duplicate node
// names, two_node with three nodes, unequal link counts, ...). Findings are
// values. Checks that need the host (can the keyfile be read, does a name
// resolve) run only when an Environment is given.
#pragma once

#include "pmxsnap/corosync/parser.hpp"

#include <functional>
#include <string>
#include <vector>

namespace pmxsnap::corosync {

enum class Severity { error, warning };

struct Finding {
    Severity severity;
    std::string id; // stable: "totem-version", "duplicate-nodeid", ...
    std::string message;
    int line = 0;
};

struct Environment {
    std::function<bool(const std::string& path)> readable_file;
    std::function<bool(const std::string& name)> resolvable_address;
};

std::vector<Finding> check_semantics(const Config& config,
                                     const Environment* environment = nullptr);

bool has_errors(const std::vector<Finding>& findings);

} // namespace pmxsnap::corosync
