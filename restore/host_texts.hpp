// The archived node-local files' bytes, read once for what apply shows
// before it changes anything: the storage check and the dry run's diffs.
#pragma once

#include "apply.hpp"
#include "kept_members.hpp"

#include <map>
#include <string>

namespace pmxsnap::restore {

// Host path → archived bytes, for every host/ file kept (each bounded by
// the reader, which matched it to the manifest's size and digest).
std::map<std::string, std::string> read_host_texts(const KeptMembers& members);

// Per file to install: the unified diff from what is there now to the
// archived file. Secret files are never shown; secret values are masked.
std::vector<FileDiff> diffs_of(const std::map<std::string, std::string>& texts,
                               const std::map<std::string, fs::path>& install);

} // namespace pmxsnap::restore
