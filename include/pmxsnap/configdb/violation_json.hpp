// The pmxcfs rule violations as every command's --json gives them: rule,
// effect ("refuses to start", "drops entries", "refuses writes"), inode,
// message and path (path_hex too when the name is not UTF-8).
#pragma once

#include "pmxsnap/configdb/invariants.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace pmxsnap::configdb {

nlohmann::json violations_json(const std::vector<Violation>& violations);

} // namespace pmxsnap::configdb
