#include "before_option.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/time.hpp"

namespace pmxsnap::cli {

void add_before_option(CLI::App& app, std::string& before) {
    app.add_option("--before", before,
                   "latest and latest-good count only snapshots captured before TIME (an age "
                   "such as 2h or 1d, or a UTC time such as 2026-11-25T04:00:00Z)")
        ->type_name("TIME");
}

std::optional<std::int64_t> before_time(const std::string& before, const host::Host& host) {
    if (before.empty())
        return std::nullopt;
    auto moment = parse_moment(before, host.now());
    if (!moment)
        fail("--before {}: not a time: give {}", before, moment_grammar);
    return moment;
}

} // namespace pmxsnap::cli
