// What restore apply shows for review before the node's own files change:
// the dry run's diff per file and the storage check, as text and as JSON.
#pragma once

#include "apply.hpp"
#include "context.hpp"

#include <nlohmann/json.hpp>

namespace pmxsnap::restore {

nlohmann::json storage_json(const ApplyResult& result);
nlohmann::json diffs_json(const ApplyResult& result);
void render_review(cli::Output& out, const ApplyResult& result);

} // namespace pmxsnap::restore
