#include "reference_health.hpp"

#include "pmxsnap/capture/selector_scope.hpp"
#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/util/error.hpp"

#include <fmt/format.h>

namespace pmxsnap::diff {
namespace {

// latest-good for the node a `latest` selector named, as the operator would
// type it.
std::string good_selector_for(const repo::Selector& selector) {
    return "latest-good" + (selector.node.empty() ? "" : "@" + selector.node);
}

std::string newest_good(const std::string& good, const host::Host& host,
                        const fs::path& repository) {
    try {
        auto selected =
            repo::select_archive(good, repo::Repository(repository), capture::selector_scope(host));
        return selected.archive.filename().string();
    } catch (const Error&) {
        return {};
    }
}

std::string caution_for(const Side& side, const Side& other, const host::Host& host,
                        const fs::path& repository) {
    const auto& health = side.manifest().health;
    if (!health || health->good())
        return {};
    auto why = health->problems.empty() ? std::string("marked bad") : health->problems[0].message;
    // The live side's damage is what the diff itself shows (TRUNCATED on
    // top); its verdict is in the JSON and the exit code.
    if (side.is_live)
        return {};
    auto parsed = repo::parse_selector(side.spec);
    if (!parsed.selector || parsed.selector->kind != repo::Selector::Kind::latest ||
        parsed.selector->good)
        return fmt::format("{} is marked bad, not a state to go back to: {}", side.spec, why);
    auto good = good_selector_for(*parsed.selector);
    auto found = newest_good(good, host, repository);
    if (!other.is_live && !found.empty() && other.archive.filename() == found)
        return fmt::format("{} is marked bad ({})", side.spec, why); // compared with it already
    if (found.empty())
        return fmt::format("{} is marked bad ({}), and no snapshot of its node is marked good",
                           side.spec, why);
    return fmt::format("{} is marked bad ({}): the newest good snapshot is {}; compare with it: "
                       "pmxsnap diff {} {}",
                       side.spec, why, found, good, other.spec);
}

} // namespace

std::vector<std::string> reference_cautions(const Side& a, const Side& b, const host::Host& host,
                                            const fs::path& repository) {
    std::vector<std::string> cautions;
    for (const auto& line :
         {caution_for(a, b, host, repository), caution_for(b, a, host, repository)})
        if (!line.empty())
            cautions.push_back(line);
    return cautions;
}

} // namespace pmxsnap::diff
