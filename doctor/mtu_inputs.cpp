#include "mtu_inputs.hpp"

#include "situation.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/host/path_mtu.hpp"
#include "pmxsnap/util/error.hpp"

#include <algorithm>

namespace pmxsnap::doctor {
namespace {

// IPv4's minimum MTU: a path that carries it but not the ring MTU is an MTU
// problem; one that carries neither is a peer that does not answer.
constexpr unsigned minimum_mtu = 576;

std::optional<corosync::LiveView> recorded_view(const repo::Snapshot& snapshot,
                                                const std::string& identity) {
    if (snapshot.encrypted && identity.empty())
        return std::nullopt;
    try {
        archive::ArchiveInput input(snapshot.archive, identity);
        // The manifest only: no member is wanted.
        archive::Reader reader(input.source(), {}, {},
                               [](const archive::Member&) { return false; });
        const auto& runtime = reader.manifest().runtime_json;
        if (runtime.empty())
            return std::nullopt;
        auto view = corosync::LiveView::from_json(nlohmann::json::parse(runtime, nullptr, false));
        return view.reachable ? std::optional(view) : std::nullopt;
    } catch (const ErrorBase&) {
        // verify's finding; net.mtu just has one record fewer.
        return std::nullopt;
    }
}

unsigned ring_mtu(const Inputs& in) {
    unsigned mtu = 0;
    for (const auto& interface : assess(in).ring_interfaces)
        if (auto it = in.interface_mtus.find(interface); it != in.interface_mtus.end())
            mtu = std::max(mtu, it->second);
    return mtu;
}

} // namespace

void read_recorded_mtus(Inputs& in) {
    for (const auto& snapshot : in.newest_per_node) {
        auto view = recorded_view(snapshot, in.identity);
        if (!view || (view->ring_interface_mtus.empty() && view->links.empty()))
            continue;
        Inputs::RecordedMtus record{
            snapshot.node, snapshot.archive.filename().string(), view->ring_interface_mtus, {}};
        for (const auto& link : view->links)
            if (link.nodeid != view->local_nodeid && link.connected && link.mtu > 0)
                record.knet[link.nodeid] = link.mtu;
        in.recorded_mtus.push_back(std::move(record));
    }
}

void probe_path_mtus(Inputs& in) {
    auto size = ring_mtu(in);
    if (!in.live || !in.live->reachable || size == 0)
        return;
    std::vector<host::PathProbe> probes;
    for (const auto& node : in.live->nodelist) {
        auto ring0 = node.ring_addresses.find(0);
        if (node.nodeid == in.live->local_nodeid || ring0 == node.ring_addresses.end())
            continue;
        auto addresses = addresses_of(in, ring0->second);
        if (addresses.empty())
            continue;
        in.path_mtu_probes.push_back({node.name, addresses.front(), size, {}, {}});
        probes.push_back({addresses.front(), size});
        probes.push_back({addresses.front(), std::min(size, minimum_mtu)});
    }
    if (probes.empty())
        return;
    auto answers = host::probe_paths(probes, std::chrono::seconds(2));
    for (std::size_t i = 0; i < in.path_mtu_probes.size(); ++i) {
        in.path_mtu_probes[i].full = answers[2 * i];
        in.path_mtu_probes[i].minimum = answers[2 * i + 1];
    }
}

} // namespace pmxsnap::doctor
