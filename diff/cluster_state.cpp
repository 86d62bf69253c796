#include "cluster_state.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>

namespace pmxsnap::diff {
namespace {

// What one side holds, said without a byte of it.
std::string key_text(const std::optional<std::string>& digest,
                     const std::optional<std::string>& other) {
    if (!digest)
        return "absent";
    return other ? "another key" : "a key";
}

// Only the corosync key: /etc/pve/priv/authkey.key is a member of every
// side (compared as a file, masked as a secret), its digest adds nothing.
void compare_corosync_authkey(const Side& a, const Side& b, std::vector<StateChange>& out) {
    const auto& before = a.manifest().authkeys.corosync;
    const auto& after = b.manifest().authkeys.corosync;
    if (before == after)
        return;
    StateChange change{"authkey /etc/corosync/authkey", key_text(before, std::nullopt),
                       key_text(after, before), "secret: neither bytes nor digest shown"};
    if (before && after)
        change.note =
            "corosync on nodes with different keys cannot talk to each other; " + change.note;
    out.push_back(std::move(change));
}

std::set<std::uint32_t> joined_ids(const corosync::LiveView& view) {
    std::set<std::uint32_t> ids;
    for (const auto& member : view.members)
        if (member.status == "joined")
            ids.insert(member.nodeid);
    return ids;
}

// "node2" from either side's nodelist, else the bare nodeid.
std::string node_name(std::uint32_t id, const corosync::LiveView& x, const corosync::LiveView& y) {
    for (const auto* view : {&x, &y})
        for (const auto& node : view->nodelist)
            if (node.nodeid == id && !node.name.empty())
                return node.name;
    return "nodeid " + std::to_string(id);
}

std::string names_of(const std::set<std::uint32_t>& ids, const corosync::LiveView& x,
                     const corosync::LiveView& y) {
    std::vector<std::string> names;
    names.reserve(ids.size());
    for (auto id : ids)
        names.push_back(node_name(id, x, y));
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string members_text(const std::set<std::uint32_t>& ids, const corosync::LiveView& x,
                         const corosync::LiveView& y) {
    return fmt::format("{} ({})", ids.size(), ids.empty() ? "none" : names_of(ids, x, y));
}

std::set<std::uint32_t> minus(const std::set<std::uint32_t>& x, const std::set<std::uint32_t>& y) {
    std::set<std::uint32_t> out;
    std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::inserter(out, out.end()));
    return out;
}

void compare_members(const corosync::LiveView& a, const corosync::LiveView& b,
                     std::vector<StateChange>& out) {
    auto before = joined_ids(a), after = joined_ids(b);
    if (before == after)
        return;
    std::vector<std::string> notes;
    if (auto left = minus(before, after); !left.empty())
        notes.push_back("no longer members: " + names_of(left, a, b));
    if (auto joined = minus(after, before); !joined.empty())
        notes.push_back("new members: " + names_of(joined, a, b));
    out.push_back({"running cluster members", members_text(before, a, b), members_text(after, a, b),
                   fmt::format("{}", fmt::join(notes, "; "))});
}

std::string optional_text(const std::optional<bool>& value) {
    return value ? (*value ? "yes" : "NO") : "unknown";
}

std::string optional_text(const std::optional<std::uint32_t>& value) {
    return value ? std::to_string(*value) : "unknown";
}

void compare_running(const Side& a, const Side& b, std::vector<StateChange>& out) {
    const auto& x = *a.runtime;
    const auto& y = *b.runtime;
    compare_members(x, y, out);
    if (x.quorate != y.quorate)
        out.push_back(
            {"running cluster quorate", optional_text(x.quorate), optional_text(y.quorate),
             y.quorate == false ? "without quorum /etc/pve is read-only on this node" : ""});
    if (x.expected_votes != y.expected_votes)
        out.push_back({"running cluster expected votes", optional_text(x.expected_votes),
                       optional_text(y.expected_votes), ""});
}

std::string reachable_text(const corosync::LiveView& view) {
    auto members = joined_ids(view).size();
    return fmt::format("running, {} member{}, {}", members, members == 1 ? "" : "s",
                       view.quorate == true ? "quorate" : "not quorate");
}

// One side saw corosync running, the other probed it and got no answer. A
// side that did not probe (--offline, --root, an archive without a runtime
// view) says nothing about the running cluster.
void compare_reachability(const Side& a, const Side& b, std::vector<StateChange>& out) {
    if (a.runtime && !b.runtime && !b.runtime_error.empty())
        out.push_back(
            {"running cluster", reachable_text(*a.runtime), "not reachable", b.runtime_error});
    else if (!a.runtime && !a.runtime_error.empty() && b.runtime)
        out.push_back(
            {"running cluster", "not reachable", reachable_text(*b.runtime), a.runtime_error});
}

} // namespace

std::string StateChange::text() const {
    return fmt::format("{:<9} {}: {} → {}{}", "changed", subject, before, after,
                       note.empty() ? "" : " (" + note + ")");
}

nlohmann::json StateChange::to_json() const {
    return {{"subject", subject}, {"before", before}, {"after", after}, {"note", note}};
}

std::vector<StateChange> compare_state(const Side& a, const Side& b) {
    std::vector<StateChange> changes;
    compare_corosync_authkey(a, b, changes);
    if (a.runtime && b.runtime)
        compare_running(a, b, changes);
    else
        compare_reachability(a, b, changes);
    return changes;
}

} // namespace pmxsnap::diff
