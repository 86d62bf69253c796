#include "pmxsnap/host/units.hpp"

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace pmxsnap::host {
namespace {

constexpr const char* destination = "org.freedesktop.systemd1";
constexpr const char* unit_interface = "org.freedesktop.systemd1.Unit";

struct BusUnref {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using BusPtr = std::unique_ptr<sd_bus, BusUnref>;

UnitState unavailable(std::string why) {
    UnitState state;
    state.error = std::move(why);
    return state;
}

std::string string_property(sd_bus* bus, const char* path, const char* interface,
                            const char* name) {
    char* value = nullptr;
    sd_bus_error error{}; // SD_BUS_ERROR_NULL, without its C99 compound literal (-Wpedantic)
    int rc = sd_bus_get_property_string(bus, destination, path, interface, name, &error, &value);
    sd_bus_error_free(&error);
    std::string out = rc >= 0 && value ? value : "";
    std::free(value);
    return out;
}

std::optional<std::uint32_t> restarts_property(sd_bus* bus, const char* path) {
    std::uint32_t restarts = 0;
    sd_bus_error error{}; // SD_BUS_ERROR_NULL, without its C99 compound literal (-Wpedantic)
    int rc = sd_bus_get_property_trivial(bus, destination, path, "org.freedesktop.systemd1.Service",
                                         "NRestarts", &error, 'u', &restarts);
    sd_bus_error_free(&error);
    return rc >= 0 ? std::optional(restarts) : std::nullopt;
}

// What systemctl does when the system bus is not there (dbus stopped or
// not installed: a rescue boot, a broken node): talk to systemd on its own
// socket. Root only, as the socket is.
int open_systemd_directly(sd_bus** out) {
    sd_bus* bus = nullptr;
    int rc = sd_bus_new(&bus);
    if (rc < 0)
        return rc;
    rc = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
    if (rc >= 0)
        rc = sd_bus_start(bus);
    if (rc < 0) {
        sd_bus_flush_close_unref(bus);
        return rc;
    }
    *out = bus;
    return 0;
}

} // namespace

UnitState unit_state(const std::string& unit, std::chrono::milliseconds timeout) {
    if (sd_booted() <= 0)
        return unavailable("this system was not booted with systemd: unit state unknown");
    sd_bus* raw = nullptr;
    if (int rc = sd_bus_open_system(&raw); rc < 0 && open_systemd_directly(&raw) < 0)
        return unavailable(std::string("cannot reach systemd over D-Bus or its own socket: ") +
                           std::strerror(-rc));
    BusPtr bus(raw);
    sd_bus_set_method_call_timeout(bus.get(), static_cast<std::uint64_t>(timeout.count()) * 1000);
    sd_bus_message* reply = nullptr;
    sd_bus_error error{}; // SD_BUS_ERROR_NULL, without its C99 compound literal (-Wpedantic)
    // LoadUnit (not GetUnit): an inactive unit is not loaded, and its state is still the answer.
    int rc = sd_bus_call_method(bus.get(), destination, "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager", "LoadUnit", &error, &reply, "s",
                                unit.c_str());
    if (rc < 0) {
        auto why = std::string("systemd did not answer for ") + unit + ": " +
                   (error.message ? error.message : std::strerror(-rc));
        sd_bus_error_free(&error);
        return unavailable(why);
    }
    const char* path_ptr = nullptr;
    std::string path;
    if (sd_bus_message_read(reply, "o", &path_ptr) >= 0 && path_ptr)
        path = path_ptr;
    sd_bus_message_unref(reply);
    if (path.empty())
        return unavailable("systemd gave no object for " + unit);
    UnitState state;
    state.available = true;
    state.load_state = string_property(bus.get(), path.c_str(), unit_interface, "LoadState");
    state.active_state = string_property(bus.get(), path.c_str(), unit_interface, "ActiveState");
    state.sub_state = string_property(bus.get(), path.c_str(), unit_interface, "SubState");
    state.restarts = restarts_property(bus.get(), path.c_str());
    return state;
}

} // namespace pmxsnap::host
