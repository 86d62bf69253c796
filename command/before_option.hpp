// --before TIME: for the commands that take a snapshot selector, keep only
// snapshots captured before TIME when resolving latest or latest-good (the
// incident began at a known time; anything written after it is suspect).
#pragma once

#include "pmxsnap/host/host.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace pmxsnap::cli {

void add_before_option(CLI::App& app, std::string& before);

// nullopt when not given; throws pmxsnap::Error naming --before when TIME
// is neither an age nor a UTC time. An age counts back from the host's now
// (SOURCE_DATE_EPOCH when set).
std::optional<std::int64_t> before_time(const std::string& before, const host::Host& host);

} // namespace pmxsnap::cli
