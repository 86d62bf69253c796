// A restore plan: the scenario (single-node, rejoin, cluster, file), why it
// was chosen, the preconditions with what to do when one fails, and numbered
// steps — each with where it runs, the exact command, why, and what to check
// afterwards. The procedures are RECOVERY.md's; pure over the facts.
#pragma once

#include "facts.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::restore {

enum class Scenario { single_node, rejoin, cluster, file };
std::string to_string(Scenario scenario);
std::optional<Scenario> parse_scenario(const std::string& text); // nullopt for "auto"

struct Precondition {
    enum class State { ok, failed, unknown } state = State::unknown;
    std::string what;
    std::string remedy; // when not ok
};

struct Step {
    std::string where; // "this node", "a healthy cluster node"
    std::string command;
    std::string why;
    std::string check;
};

// When auto mode cannot tell: a scenario the operator may choose, as the
// command that makes its plan, and when it is the right one.
struct Choice {
    std::string command;
    std::string when;
};

struct Plan {
    // false: auto mode could not tell the situation apart on what it saw, so
    // no steps are proposed (a guess could be destructive: the cluster
    // scenario moves /etc/corosync away and creates a new cluster); needs and
    // choices say how to go on.
    bool decided = true;
    Scenario scenario = Scenario::single_node;
    std::string chosen_because; // or, undecided, why it cannot tell
    std::vector<std::string> needs;
    std::vector<Choice> choices;
    std::string archive, selector; // the archive, and the selector that chose it
    std::string node, cluster;
    std::vector<Precondition> preconditions;
    std::vector<Step> steps;
    std::vector<std::string> dangers;
    // --peer: what the peer said (text lines, and the JSON "peer" object).
    std::vector<std::string> peer_text;
    nlohmann::json peer = nullptr;

    bool preconditions_hold() const;
    nlohmann::json to_json() const;
    std::vector<std::string> text() const;
};

// nullopt: cannot tell without a guess (peers alive or gone is not shown).
std::optional<Scenario> choose_scenario(const ArchiveFacts& archive, const HostFacts& host,
                                        std::string& because);

struct PlanOptions {
    std::optional<Scenario> scenario; // nullopt: choose
    std::string file;                 // for the file scenario
    std::string archive_argument;     // the archive path the commands name
    std::string selector;             // what it was selected by ("latest"); empty: a path
};

Plan make_plan(const ArchiveFacts& archive, const HostFacts& host, const PlanOptions& options);

// The preconditions apply checks (each overridable with --force).
std::vector<Precondition> apply_preconditions(const ArchiveFacts& archive, const HostFacts& host);

} // namespace pmxsnap::restore
