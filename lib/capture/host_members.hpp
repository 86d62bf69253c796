// The host/ members of a capture: the node profile's files read through
// --root, each within a size limit, secrets only where the options allow
// them, and the manifest's record of the profile. Private to lib/capture.
#pragma once

#include "pmxsnap/capture/capture.hpp"

namespace pmxsnap::capture {

archive::Member directory_member(std::string path, unsigned mode, std::int64_t mtime);

// clamp: the latest mtime recorded (the pinned clock of reproducible runs).
void add_host_members(const host::Host& host, Capture& c, UnixSeconds clamp,
                      const CaptureOptions& options);

} // namespace pmxsnap::capture
