#include "pmxsnap/corosync/live_cluster.hpp"

#include "live_reads.hpp"

#include "pmxsnap/util/bounded_call.hpp"

namespace pmxsnap::corosync {
namespace {

LiveView unreachable(std::string error) {
    LiveView view;
    view.error = std::move(error);
    return view;
}

} // namespace

std::size_t LiveView::joined_members() const {
    std::size_t joined = 0;
    for (const auto& member : members)
        joined += member.status == "joined" ? 1 : 0;
    return joined;
}

// Why a child process: corosync's client calls block on IPC without a
// timeout of their own; a corosync that accepts the connection and never
// answers would hang us.
LiveView probe_live_cluster(std::chrono::milliseconds timeout) {
    auto answer = call_bounded([] { return detail::read_live_view().to_json().dump(); }, timeout);
    if (answer.outcome == BoundedAnswer::Outcome::timed_out) {
        auto view =
            unreachable("corosync did not answer within " + std::to_string(timeout.count()) +
                        " ms (its IPC accepts connections but hangs)");
        view.hung = true;
        return view;
    }
    auto json = nlohmann::json::parse(answer.text, nullptr, false);
    if (answer.outcome != BoundedAnswer::Outcome::answered || json.is_discarded())
        return unreachable("the corosync probe died without an answer");
    return LiveView::from_json(json);
}

} // namespace pmxsnap::corosync
