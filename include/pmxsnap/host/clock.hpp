// The kernel's view of clock synchronisation (adjtimex(2) in read-only mode):
// what an NTP client (chrony, systemd-timesyncd) has told it. No D-Bus or
// timedatectl needed, and it works the same in a container.
#pragma once

#include <cstdint>
#include <optional>

namespace pmxsnap::host {

struct ClockState {
    bool synchronized = false;     // STA_UNSYNC clear and adjtimex not TIME_ERROR
    std::int64_t max_error_us = 0; // the kernel's maximum error estimate
    std::int64_t estimated_error_us = 0;
    std::int64_t offset_us = 0; // last offset the NTP client applied
};

std::optional<ClockState> clock_state();

} // namespace pmxsnap::host
