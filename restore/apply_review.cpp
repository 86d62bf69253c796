#include "apply_review.hpp"

#include "pmxsnap/util/json_name.hpp"

namespace pmxsnap::restore {

nlohmann::json storage_json(const ApplyResult& result) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& check : result.storage)
        out.push_back({{"what", check.what}, {"state", check.state}, {"detail", check.detail}});
    return out;
}

nlohmann::json diffs_json(const ApplyResult& result) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& diff : result.diffs) {
        nlohmann::json item = {{"unified", diff.unified}, {"note", diff.note}};
        put_name(item, "path", diff.path.string());
        out.push_back(std::move(item));
    }
    return out;
}

void render_review(cli::Output& out, const ApplyResult& result) {
    for (const auto& diff : result.diffs) {
        if (!diff.note.empty())
            out.say("{}: {}", escape_name(diff.path.string()), diff.note);
        if (!diff.unified.empty())
            out.say("{}", diff.unified.substr(0, diff.unified.size() - 1));
    }
    if (result.storage.empty())
        return;
    out.say("storage check (the archived storage files against this machine):");
    for (const auto& check : result.storage)
        out.say("  {:<12} {}: {}", check.state, escape_name(check.what), check.detail);
}

} // namespace pmxsnap::restore
