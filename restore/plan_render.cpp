#include "plan.hpp"

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

} // namespace

nlohmann::json Plan::to_json() const {
    nlohmann::json pre = nlohmann::json::array();
    for (const auto& p : preconditions)
        pre.push_back({{"state", state_word(p.state)}, {"what", p.what}, {"remedy", p.remedy}});
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
            {"scenario", to_string(scenario)},
            {"chosen_because", chosen_because},
            {"node", node},
            {"cluster", cluster},
            {"preconditions_hold", preconditions_hold()},
            {"preconditions", pre},
            {"steps", list},
            {"dangers", dangers}};
}

// Failed preconditions first: they are what to do before anything else.
std::vector<std::string> Plan::text() const {
    std::vector<std::string> out;
    out.push_back(fmt::format("restore plan: {} (node {} of cluster {})", to_string(scenario), node,
                              cluster));
    out.push_back("chosen because: " + chosen_because);
    out.push_back("preconditions:");
    for (auto wanted :
         {Precondition::State::failed, Precondition::State::unknown, Precondition::State::ok})
        for (const auto& p : preconditions) {
            if (p.state != wanted)
                continue;
            out.push_back(fmt::format("  {:<7} {}", state_word(p.state), p.what));
            if (!p.remedy.empty())
                out.push_back("          what to do: " + p.remedy);
        }
    out.push_back("steps:");
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
