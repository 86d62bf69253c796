#include "pmxsnap/host/clock.hpp"

#include <sys/timex.h>

namespace pmxsnap::host {

std::optional<ClockState> clock_state() {
    timex tx{};
    tx.modes = 0; // read only: never adjust anything
    int state = ::adjtimex(&tx);
    if (state < 0)
        return std::nullopt;
    ClockState clock;
    clock.synchronized = state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
    clock.max_error_us = tx.maxerror;
    clock.estimated_error_us = tx.esterror;
    // offset is in nanoseconds when STA_NANO is set.
    clock.offset_us = (tx.status & STA_NANO) ? tx.offset / 1000 : tx.offset;
    return clock;
}

} // namespace pmxsnap::host
