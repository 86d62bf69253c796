// Line diffs in unified format: lib/util's (restore apply's dry run shows
// them too), under the names diff's code uses.
#pragma once

#include "pmxsnap/util/text_diff.hpp"

namespace pmxsnap::diff {

using pmxsnap::looks_binary;
using pmxsnap::unified_diff;

} // namespace pmxsnap::diff
