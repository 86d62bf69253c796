#include "pmxsnap/host/journal.hpp"

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include <deque>
#include <string_view>

namespace pmxsnap::host {
namespace {

std::string field(sd_journal* journal, const char* name) {
    const void* data = nullptr;
    size_t length = 0;
    if (sd_journal_get_data(journal, name, &data, &length) < 0)
        return {};
    std::string_view text(static_cast<const char*>(data), length);
    auto equals = text.find('=');
    return equals == std::string_view::npos ? std::string() : std::string(text.substr(equals + 1));
}

bool add_matches(sd_journal* journal, const std::vector<std::string>& units) {
    sd_id128_t boot{};
    if (sd_id128_get_boot(&boot) < 0)
        return false;
    char boot_text[SD_ID128_STRING_MAX];
    auto boot_match = std::string("_BOOT_ID=") + sd_id128_to_string(boot, boot_text);
    for (const auto& unit : units) {
        auto unit_match = "_SYSTEMD_UNIT=" + unit;
        if (sd_journal_add_match(journal, unit_match.data(), unit_match.size()) < 0 ||
            sd_journal_add_match(journal, boot_match.data(), boot_match.size()) < 0 ||
            sd_journal_add_disjunction(journal) < 0)
            return false;
    }
    return true;
}

} // namespace

std::optional<std::string> journal_this_boot(const std::vector<std::string>& units,
                                             std::size_t max_lines) {
    sd_journal* journal = nullptr;
    if (sd_journal_open(&journal, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
        return std::nullopt;
    std::deque<std::string> lines;
    uint64_t bytes = 0;
    // No journal files at all (no systemd-journald): "no journal", not "no matches".
    bool usable =
        sd_journal_get_usage(journal, &bytes) >= 0 && bytes > 0 && add_matches(journal, units);
    if (usable) {
        SD_JOURNAL_FOREACH(journal) {
            auto unit = field(journal, "_SYSTEMD_UNIT");
            lines.push_back(unit + ": " + field(journal, "MESSAGE"));
            if (lines.size() > max_lines)
                lines.pop_front();
        }
    }
    sd_journal_close(journal);
    if (!usable)
        return std::nullopt;
    std::string text;
    for (const auto& line : lines)
        text += line + '\n';
    return text;
}

} // namespace pmxsnap::host
