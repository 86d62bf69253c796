#include "report.hpp"

#include <algorithm>

namespace pmxsnap::doctor {
namespace {

int rank(Layer layer) {
    switch (layer) {
    case Layer::corosync:
        return 0;
    case Layer::quorum:
        return 1;
    case Layer::pmxcfs:
        return 2;
    default:
        return 3;
    }
}

} // namespace

Report make_report(std::vector<Finding> findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return rank(a.layer) < rank(b.layer);
    });
    Report report{std::move(findings), std::nullopt};
    if (const auto* failure = report.first_failure())
        report.first_failing_layer = failure->layer;
    return report;
}

const Finding* Report::first_failure() const {
    for (const auto& f : findings)
        if (f.status == Status::fail)
            return &f;
    return nullptr;
}

bool Report::healthy() const {
    return std::all_of(findings.begin(), findings.end(), [](const Finding& f) {
        return f.status == Status::ok || f.status == Status::skip;
    });
}

std::string Report::headline() const {
    if (const auto* failure = first_failure())
        return "fix " + to_string(failure->layer) +
               " first: " + (failure->decision.empty() ? failure->meaning : failure->decision);
    return healthy() ? "every check is ok or skipped" : "warnings only: read them below";
}

nlohmann::json Report::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : findings)
        list.push_back({{"id", f.id},
                        {"layer", to_string(f.layer)},
                        {"status", to_string(f.status)},
                        {"evidence", f.evidence},
                        {"meaning", f.meaning},
                        {"decision", f.decision}});
    return {{"schema", "pmxsnap.doctor/1"},
            {"first_failing_layer",
             first_failing_layer ? nlohmann::json(to_string(*first_failing_layer)) : nullptr},
            {"headline", headline()},
            {"findings", list}};
}

} // namespace pmxsnap::doctor
