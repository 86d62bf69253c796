#include "pmxsnap/host/path_mtu.hpp"

#include "pmxsnap/host/child.hpp"

#include <algorithm>

namespace pmxsnap::host {
namespace {

// ping's -s is the ICMP payload: the packet less the IP and ICMP headers.
unsigned payload_of(const PathProbe& probe) {
    unsigned headers = probe.address.find(':') == std::string::npos ? 20 + 8 : 40 + 8;
    return probe.packet_size > headers ? probe.packet_size - headers : 0;
}

} // namespace

std::vector<std::optional<bool>> probe_paths(const std::vector<PathProbe>& probes,
                                             std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    // ping's own wait (-W, whole seconds) ends before ours when it can.
    auto wait_seconds = std::to_string(
        std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(limit).count()));
    std::vector<Child> children;
    children.reserve(probes.size());
    for (const auto& probe : probes)
        children.emplace_back(
            ChildSpec{{"ping", "-n", "-q", "-c", "1", "-M", "do", "-W", wait_seconds, "-s",
                       std::to_string(payload_of(probe)), probe.address},
                      {},
                      {},
                      false});
    std::vector<std::optional<bool>> answers;
    for (auto& child : children) {
        auto exit = child.wait(deadline);
        if (exit.how == ChildExit::How::not_started)
            answers.emplace_back(std::nullopt);
        else
            answers.emplace_back(exit.success());
    }
    return answers;
}

} // namespace pmxsnap::host
