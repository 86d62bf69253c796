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

std::string value_text(const nlohmann::json& value) {
    if (value.is_null())
        return "none";
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_array()) {
        std::string text;
        for (const auto& item : value)
            text += (text.empty() ? "" : ", ") + value_text(item);
        return text.empty() ? "none" : text;
    }
    if (value.is_object()) {
        std::string text;
        for (const auto& [key, item] : value.items())
            text += (text.empty() ? "" : ", ") + key + " " + value_text(item);
        return text.empty() ? "none" : text;
    }
    return value.dump();
}

} // namespace

std::string evidence_text(const nlohmann::json& evidence) {
    if (!evidence.is_object())
        return value_text(evidence);
    std::string text;
    for (const auto& [key, value] : evidence.items())
        text += (text.empty() ? "" : "; ") + key + ": " + value_text(value);
    return text;
}

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
    // The layer, the check and what it found: the decision follows on the
    // finding itself (a headline that repeated it would stutter: "fix
    // corosync first: fix this node's network").
    if (const auto* failure = first_failure())
        return "fix " + to_string(failure->layer) + " first — " + failure->id + ": " +
               failure->meaning;
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
