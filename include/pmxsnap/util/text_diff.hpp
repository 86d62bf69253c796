// Line diffs in unified format, computed by dtl (Debian's libdtl-dev: Myers'
// O(ND) algorithm) rather than by hand.
#pragma once

#include <string>
#include <string_view>

namespace pmxsnap {

// NUL bytes mean binary: such files are reported as "binary files differ",
// never printed.
bool looks_binary(std::string_view content);

// "--- a/PATH", "+++ b/PATH" (git's "a/etc/pve/x" for an absolute PATH) and the hunks with 3 lines
// of context; empty when the texts are equal.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& path);

} // namespace pmxsnap
