#include "checks.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace pmxsnap::doctor {

// Large enough that NTP's normal error never trips it, small against
// corosync's token timeout (a second and up).
constexpr std::int64_t large_error_us = 500'000;

Finding check_time(const Inputs& in) {
    if (!in.probed_host || !in.clock)
        return skipped("time.sync", Layer::corosync, "--offline or --root: no clock to read");
    Finding f{"time.sync", Layer::corosync};
    const auto& clock = *in.clock;
    f.evidence = {{"synchronized", clock.synchronized},
                  {"max_error_us", clock.max_error_us},
                  {"estimated_error_us", clock.estimated_error_us},
                  {"offset_us", clock.offset_us}};
    if (clock.synchronized && std::llabs(clock.offset_us) < large_error_us &&
        clock.max_error_us < 16'000'000) {
        f.meaning = "the kernel clock is synchronised by NTP";
        return f;
    }
    f.status = Status::warn;
    f.meaning =
        clock.synchronized
            ? fmt::format("the clock is synchronised but off by {} ms", clock.offset_us / 1000)
            : "the kernel clock is not synchronised (no NTP client has set it)";
    f.decision = "fix NTP first (`chronyc tracking`, `timedatectl`) before chasing token "
                 "timeouts or certificate errors";
    return f;
}

} // namespace pmxsnap::doctor
