// systemd unit state over D-Bus (libsystemd's sd-bus), the same properties
// `systemctl show` prints. No systemd (a container, a rescue system) is an
// answer too: available = false with the reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace pmxsnap::host {

struct UnitState {
    bool available = false; // false: systemd could not be asked (why in error)
    std::string error;
    std::string load_state;                // "loaded", "not-found", "masked"
    std::string active_state;              // "active", "inactive", "failed", "activating", ...
    std::string sub_state;                 // "running", "dead", "auto-restart", ...
    std::optional<std::uint32_t> restarts; // NRestarts of a service: a restart loop shows here
};

// Bounded by timeout (sd-bus's method-call timeout); never starts or changes
// the unit.
UnitState unit_state(const std::string& unit, std::chrono::milliseconds timeout);

} // namespace pmxsnap::host
