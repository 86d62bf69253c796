// apt_manual_packages: what `apt-mark showmanual` prints, from the files it
// reads itself, so a rescue system reading a node's disk (--root) gets the
// node's list, not its own.
#include "pmxsnap/capture/node_profile.hpp"
#include "pmxsnap/util/text.hpp"

#include <set>

namespace pmxsnap::capture {
namespace {

// dpkg's status and apt's extended_states: RFC 822-like paragraphs. Calls
// visit with each paragraph's fields of interest.
template <typename Visit>
void paragraphs(std::string_view text, Visit&& visit) {
    std::string package, status, automatic;
    auto flush = [&] {
        if (!package.empty())
            visit(package, status, automatic);
        package.clear();
        status.clear();
        automatic.clear();
    };
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (trim_blanks(line).empty()) {
            flush();
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t')
            continue; // a continuation line (Description's)
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        auto key = line.substr(0, colon);
        auto value = std::string(trim_blanks(line.substr(colon + 1)));
        if (key == "Package")
            package = value;
        else if (key == "Status")
            status = value;
        else if (key == "Auto-Installed")
            automatic = value;
    }
    flush();
}

} // namespace

std::optional<std::string> apt_manual_packages(const host::Host& host) {
    // dpkg's status of a full PVE node is about 3 MB.
    constexpr std::uint64_t limit = 64u << 20;
    auto status = read_file_if_exists(host.resolve("/var/lib/dpkg/status"), limit);
    if (!status)
        return std::nullopt;
    std::set<std::string> automatic;
    if (auto states = read_file_if_exists(host.resolve("/var/lib/apt/extended_states"), limit))
        paragraphs(*states,
                   [&](const std::string& package, const std::string&, const std::string& flag) {
                       if (flag == "1")
                           automatic.insert(package);
                   });
    std::set<std::string> manual;
    paragraphs(*status,
               [&](const std::string& package, const std::string& state, const std::string&) {
                   // "want flag status": the status word is what is on disk ("install ok
                   // installed", "hold ok installed"); config-files and the like are not.
                   if (state.ends_with(" installed") && !automatic.count(package))
                       manual.insert(package);
               });
    std::string out;
    for (const auto& package : manual)
        out += package + "\n";
    return out;
}

} // namespace pmxsnap::capture
