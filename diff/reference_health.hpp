// What diff says first when a side is not a state to compare against: the
// seed's incident, where the automation archived the damage a minute after
// it happened and `latest` became the broken state. A `latest` side marked
// bad names the newest good snapshot and the command that uses it.
#pragma once

#include "source.hpp"

#include "pmxsnap/host/host.hpp"

#include <string>
#include <vector>

namespace pmxsnap::diff {

std::vector<std::string> reference_cautions(const Side& a, const Side& b, const host::Host& host,
                                            const fs::path& repository);

} // namespace pmxsnap::diff
