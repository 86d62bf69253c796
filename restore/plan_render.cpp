#include "plan.hpp"

#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>

namespace pmxsnap::restore {
namespace {

std::string state_word(Precondition::State state) {
    switch (state) {
    case Precondition::State::ok:
        return "ok";
    case Precondition::State::failed:
        return "failed";
    case Precondition::State::unknown:
        return "unknown";
    }
    return "?";
}

// Failed preconditions first: they are what to do before anything else.
void add_preconditions(std::vector<std::string>& out, const std::vector<Precondition>& all) {
    out.emplace_back("preconditions:");
    for (auto wanted :
         {Precondition::State::failed, Precondition::State::unknown, Precondition::State::ok})
        for (const auto& p : all) {
            if (p.state != wanted)
                continue;
            out.push_back(fmt::format("  {:<7} {}", state_word(p.state), p.what));
            if (!p.remedy.empty())
                out.push_back("          what to do: " + p.remedy);
        }
}

std::vector<std::string> undecided_text(const Plan& plan) {
    std::vector<std::string> out;
    out.push_back(
        fmt::format("restore plan: undecided (node {} of cluster {})", plan.node, plan.cluster));
    if (!plan.selector.empty())
        out.push_back(fmt::format("archive: {} ({})", plan.archive, plan.selector));
    out.push_back("cannot tell: " + plan.chosen_because);
    out.insert(out.end(), plan.peer_text.begin(), plan.peer_text.end());
    out.emplace_back("no steps are proposed on a guess; to decide, this needs:");
    for (const auto& need : plan.needs)
        out.push_back("  - " + need);
    add_preconditions(out, plan.preconditions);
    out.emplace_back("choose the scenario with --scenario:");
    for (const auto& choice : plan.choices) {
        out.push_back("  " + choice.command);
        out.push_back("     when: " + choice.when);
    }
    return out;
}

} // namespace

nlohmann::json Plan::to_json() const {
    nlohmann::json pre = nlohmann::json::array();
    for (const auto& p : preconditions)
        pre.push_back({{"state", state_word(p.state)}, {"what", p.what}, {"remedy", p.remedy}});
    nlohmann::json choice_list = nlohmann::json::array();
    for (const auto& c : choices)
        choice_list.push_back({{"command", c.command}, {"when", c.when}});
    nlohmann::json list = nlohmann::json::array();
    int number = 0;
    for (const auto& s : steps)
        list.push_back({{"number", ++number},
                        {"where", s.where},
                        {"command", s.command},
                        {"why", s.why},
                        {"check", s.check},
                        {"by_pmxsnap", s.command.starts_with("pmxsnap ")}});
    return {{"schema", "pmxsnap.restore-plan/1"},
            {"decided", decided},
            {"scenario", decided ? nlohmann::json(to_string(scenario)) : nlohmann::json(nullptr)},
            {"chosen_because", chosen_because},
            {"needs", needs},
            {"choices", choice_list},
            {"archive", archive},
            {"selector", text_or_null(selector)},
            {"node", node},
            {"cluster", cluster},
            {"preconditions_hold", preconditions_hold()},
            {"preconditions", pre},
            {"steps", list},
            {"dangers", dangers},
            {"peer", peer}};
}

std::vector<std::string> Plan::text() const {
    if (!decided)
        return undecided_text(*this);
    std::vector<std::string> out;
    out.push_back(fmt::format("restore plan: {} (node {} of cluster {})", to_string(scenario), node,
                              cluster));
    if (!selector.empty())
        out.push_back(fmt::format("archive: {} ({})", archive, selector));
    out.push_back("chosen because: " + chosen_because);
    out.insert(out.end(), peer_text.begin(), peer_text.end());
    add_preconditions(out, preconditions);
    out.emplace_back("steps:");
    int number = 0;
    for (const auto& s : steps) {
        out.push_back(fmt::format("  {}. [{}] {}", ++number, s.where, s.command));
        out.push_back("     why:   " + s.why);
        out.push_back("     check: " + s.check);
    }
    for (const auto& d : dangers)
        out.push_back("danger: " + d);
    return out;
}

} // namespace pmxsnap::restore
