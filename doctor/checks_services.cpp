#include "checks.hpp"

#include <fmt/format.h>

namespace pmxsnap::doctor {
namespace {

const host::UnitState* state_of(const Inputs& in, const std::string& unit) {
    auto it = in.units.find(unit);
    return it == in.units.end() ? nullptr : &it->second;
}

nlohmann::json unit_evidence(const std::string& unit, const host::UnitState& state) {
    nlohmann::json evidence = {{"unit", unit},
                               {"load_state", state.load_state},
                               {"active_state", state.active_state},
                               {"sub_state", state.sub_state}};
    if (state.restarts)
        evidence["restarts"] = *state.restarts;
    return evidence;
}

bool restart_loop(const host::UnitState& state) {
    return state.sub_state == "auto-restart" || state.active_state == "activating" ||
           state.restarts.value_or(0) > 0;
}

Finding check_corosync_unit(const Inputs& in) {
    const auto* state = state_of(in, "corosync.service");
    if (!state)
        return skipped("service.corosync", Layer::corosync, "--offline or --root: no live probe");
    if (!state->available)
        return skipped("service.corosync", Layer::corosync, state->error);
    Finding f{"service.corosync", Layer::corosync};
    f.evidence = unit_evidence("corosync.service", *state);
    if (state->active_state == "active" && !restart_loop(*state)) {
        f.meaning = "corosync.service is active";
        return f;
    }
    f.status = state->active_state == "active" ? Status::warn : Status::fail;
    f.meaning = state->active_state == "active"
                    ? fmt::format("corosync.service is active but restarted {} times: it crashed "
                                  "or was killed",
                                  state->restarts.value_or(0))
                    : fmt::format("corosync.service is {} ({}): nothing above it can work",
                                  state->active_state, state->sub_state);
    f.decision = "read its log (`journalctl -u corosync -b`), check the config (conf.*) and the "
                 "network (net.*) before restarting anything else";
    return f;
}

Finding check_pve_cluster_unit(const Inputs& in) {
    const auto* state = state_of(in, "pve-cluster.service");
    const auto* corosync = state_of(in, "corosync.service");
    if (!state)
        return skipped("service.pve-cluster", Layer::pmxcfs, "--offline or --root: no live probe");
    if (!state->available)
        return skipped("service.pve-cluster", Layer::pmxcfs, state->error);
    Finding f{"service.pve-cluster", Layer::pmxcfs};
    f.evidence = unit_evidence("pve-cluster.service", *state);
    if (state->active_state == "active") {
        f.meaning = "pve-cluster.service (pmxcfs) is active";
        return f;
    }
    bool corosync_active = corosync && corosync->available && corosync->active_state == "active";
    f.status = corosync_active ? Status::fail : Status::warn;
    f.meaning =
        corosync_active
            ? fmt::format("pve-cluster.service is {} while corosync runs", state->active_state)
            : fmt::format("pve-cluster.service is {}, and so is corosync: a consequence",
                          state->active_state);
    f.decision = corosync_active ? "read `journalctl -u pve-cluster -b` (DB load failed? see "
                                   "pmxcfs.db), then `systemctl restart pve-cluster`"
                                 : "restart pve-cluster only after corosync is stable";
    return f;
}

} // namespace

std::vector<Finding> check_services(const Inputs& in) {
    return {check_corosync_unit(in), check_pve_cluster_unit(in)};
}

} // namespace pmxsnap::doctor
