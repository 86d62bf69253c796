#include "finding.hpp"

namespace pmxsnap::doctor {

std::string to_string(Status status) {
    switch (status) {
    case Status::ok:
        return "ok";
    case Status::warn:
        return "warn";
    case Status::fail:
        return "fail";
    default:
        return "skip";
    }
}

std::string to_string(Layer layer) {
    switch (layer) {
    case Layer::corosync:
        return "corosync";
    case Layer::quorum:
        return "quorum";
    case Layer::pmxcfs:
        return "pmxcfs";
    default:
        return "any";
    }
}

Finding skipped(std::string id, Layer layer, std::string why) {
    Finding finding;
    finding.id = std::move(id);
    finding.layer = layer;
    finding.status = Status::skip;
    finding.meaning = std::move(why);
    return finding;
}

Finding conclude(Finding f, Status status, std::string meaning, std::string decision) {
    f.status = status;
    f.meaning = std::move(meaning);
    f.decision = std::move(decision);
    return f;
}

} // namespace pmxsnap::doctor
