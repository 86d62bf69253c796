// Time stamps as pmxsnap writes them: UTC, second resolution. The repository
// names archives YYYYmmddTHHMMSSZ and manifests carry ISO 8601 (…T…Z).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pmxsnap {

using UnixSeconds = std::int64_t;

std::string compact_utc_stamp(UnixSeconds t); // 20261125T103000Z
std::string iso8601_utc(UnixSeconds t);       // 2026-11-25T10:30:00Z
std::optional<UnixSeconds> parse_compact_utc_stamp(const std::string& stamp);
std::optional<UnixSeconds> parse_iso8601_utc(const std::string& text);

// A moment as an operator types it for --before: an age before `now`
// ("90s", "30m", "2h", "1d", "1w", or several: "1h30m") or a UTC time in
// ISO 8601 ("2026-11-25T04:00:00Z", "2026-11-25T04:00Z", "2026-11-25").
// nullopt for anything else.
std::optional<UnixSeconds> parse_moment(const std::string& text, UnixSeconds now);
// An age alone ("90s", "30m", "2h", "1d", "1w", "1h30m"; at most ten
// years), in seconds; nullopt for anything else.
std::optional<UnixSeconds> parse_age(const std::string& text);
// An age for people, its two largest units: "45s", "12m", "3h 5m", "2d 4h".
std::string format_age(UnixSeconds seconds);
inline constexpr const char* moment_grammar =
    "an age (90s, 30m, 2h, 1d, 1w, 1h30m) or a UTC time (2026-11-25T04:00:00Z, 2026-11-25)";

} // namespace pmxsnap
